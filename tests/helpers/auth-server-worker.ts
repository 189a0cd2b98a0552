import { Worker } from 'node:worker_threads'
import { join } from 'node:path'
import { PGLITE_TEMPLATE_PATH } from './pglite-template-path'

/**
 * The reference server (the compiled server/dist/index.js) in a worker thread: a plain Node realm, so the
 * page tests' jsdom environment (browser module conditions, no TextEncoder) never loads `pg`, `jose` or
 * Fastify. The test asks it for a user's record by message.
 */
export const SERVER_LIBRARY = join(__dirname, '..', '..', 'server', 'dist', 'index.js')

const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const { existsSync, readFileSync, writeFileSync, renameSync } = require('node:fs')
const server = require(workerData.library)
;(async () => {
  let template
  if (existsSync(workerData.templatePath)) template = new Blob([readFileSync(workerData.templatePath)])
  else {
    template = await server.pgliteTemplate()
    const partial = workerData.templatePath + '.' + process.pid + '.' + Date.now()
    writeFileSync(partial, Buffer.from(await template.arrayBuffer()))
    renameSync(partial, workerData.templatePath)
  }
  const db = await server.openPglite({ template })
  const running = await server.startAuthServer({ config: server.loadConfig(workerData.env), database: db, logger: false })
  parentPort.on('message', async ({ id, op, openid, sql, params }) => {
    try {
      if (op === 'userByOpenid') parentPort.postMessage({ id, value: await running.store.userByOpenid(openid) })
      else if (op === 'query') parentPort.postMessage({ id, value: (await db.query(sql, params)).rows })
      else if (op === 'close') {
        await running.close()
        await db.close()
        parentPort.postMessage({ id })
      }
    } catch (e) {
      parentPort.postMessage({ id, error: String(e && e.message) })
    }
  })
  parentPort.postMessage({ ready: running.url })
})().catch((e) => parentPort.postMessage({ failed: String(e && e.stack) }))
`

/** The server's user record as the store reads it (server/src/db/store.ts UserRecord). */
export interface ServerUserRecord {
  id: string
  loginCount: number
  nickName: string
  avatarUrl: string
  phoneNumber: string | null
  privacyConsentAt: Date | null
  privacyConsentVersion: string | null
}

export interface WorkerServer {
  url: string
  userByOpenid(openid: string): Promise<ServerUserRecord | null>
  /** one SQL statement on the server's database (what the test inspects or arranges) */
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>
  close(): Promise<void>
}

export function startServerWorker(env: Record<string, string>): Promise<WorkerServer> {
  const worker = new Worker(SOURCE, {
    eval: true,
    workerData: { library: SERVER_LIBRARY, templatePath: PGLITE_TEMPLATE_PATH, env },
  })
  let next = 0
  const waiting = new Map<number, (reply: { value?: unknown; error?: string }) => void>()
  const ask = (op: string, extra: Record<string, unknown> = {}) =>
    new Promise<unknown>((resolve, reject) => {
      const id = ++next
      waiting.set(id, (reply) => (reply.error ? reject(new Error(reply.error)) : resolve(reply.value)))
      worker.postMessage({ id, op, ...extra })
    })
  return new Promise((resolve, reject) => {
    worker.on('error', reject)
    worker.on(
      'message',
      (message: { id?: number; ready?: string; failed?: string; value?: unknown; error?: string }) => {
        if (message.failed) return reject(new Error(message.failed))
        if (message.ready) {
          return resolve({
            url: message.ready,
            userByOpenid: (openid) => ask('userByOpenid', { openid }) as never,
            query: (sql, params = []) => ask('query', { sql, params }) as never,
            async close() {
              await ask('close').catch(() => undefined)
              await worker.terminate()
            },
          })
        }
        const done = message.id !== undefined ? waiting.get(message.id) : undefined
        if (done) {
          waiting.delete(message.id!)
          done(message)
        }
      },
    )
  })
}
