import { Worker } from 'node:worker_threads'
import type { Database, Queryable } from './database'

/**
 * PostgreSQL in process (PGlite, https://pglite.dev): in memory, or in a folder that survives restarts.
 * One process only: several instances need a real server (db/pg.ts).
 *
 * PGlite runs in a worker thread: its WebAssembly Postgres then never blocks the event loop that serves
 * HTTP, and it loads with Node's own module loader (it imports `fs` and `zlib` dynamically, which test
 * runners' module sandboxes refuse). PGlite is one connection, so statements are serialised here, and a
 * transaction holds the connection from BEGIN to COMMIT/ROLLBACK.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const { PGlite } = require(workerData.pglite)
let db
const ready = PGlite.create({
  ...(workerData.dataDir ? { dataDir: workerData.dataDir } : {}),
  ...(workerData.template ? { loadDataDir: workerData.template } : {}),
}).then((d) => { db = d })
parentPort.on('message', async ({ id, op, sql, params }) => {
  try {
    await ready
    if (op === 'query') {
      const r = await db.query(sql, params)
      parentPort.postMessage({ id, rows: r.rows, rowCount: r.affectedRows ?? r.rows.length })
    } else if (op === 'dump') {
      parentPort.postMessage({ id, blob: await db.dumpDataDir('none') })
    } else if (op === 'close') {
      await db.close()
      parentPort.postMessage({ id })
    } else {
      parentPort.postMessage({ id })
    }
  } catch (e) {
    parentPort.postMessage({ id, error: { message: e && e.message, code: e && e.code } })
  }
})
`

class PgliteError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message)
    this.name = 'PgliteError'
  }
}

interface Reply {
  id: number
  rows?: Record<string, unknown>[]
  rowCount?: number
  blob?: Blob
  error?: { message?: string; code?: string }
}

function startWorker(options: { dataDir?: string; template?: Blob }) {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { pglite: require.resolve('@electric-sql/pglite'), ...options },
  })
  worker.unref()
  let next = 0
  const waiting = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>()
  worker.on('message', (reply: Reply) => {
    const pending = waiting.get(reply.id)
    waiting.delete(reply.id)
    if (!pending) return
    if (reply.error) pending.reject(new PgliteError(reply.error.message ?? 'PGlite error', reply.error.code))
    else pending.resolve(reply)
  })
  const fail = (e: Error) => {
    for (const pending of waiting.values()) pending.reject(e)
    waiting.clear()
  }
  worker.on('error', fail)
  worker.on('exit', () => fail(new PgliteError('the PGlite worker stopped')))
  const send = (op: string, sql?: string, params?: unknown[]) =>
    new Promise<Reply>((resolve, reject) => {
      const id = ++next
      waiting.set(id, { resolve, reject })
      worker.ref()
      worker.postMessage({ id, op, sql, params })
    }).finally(() => {
      if (waiting.size === 0) worker.unref()
    })
  return { worker, send }
}

export async function openPglite(options: { dataDir?: string; template?: Blob } = {}): Promise<Database> {
  const { worker, send } = startWorker(options)
  // one statement or one transaction at a time on PGlite's single connection
  let tail: Promise<unknown> = Promise.resolve()
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const run = tail.then(work, work)
    tail = run.catch(() => undefined)
    return run
  }
  const raw: Queryable = {
    async query<Row>(text: string, params?: unknown[]) {
      const reply = await send('query', text, params ?? [])
      return { rows: (reply.rows ?? []) as Row[], rowCount: reply.rowCount ?? 0 }
    },
  }
  await exclusive(() => raw.query('SELECT 1')) // fail at open, not at the first request
  return {
    kind: 'pglite',
    query: (text, params) => exclusive(() => raw.query(text, params)),
    transaction: (work) =>
      exclusive(async () => {
        await raw.query('BEGIN')
        try {
          const result = await work(raw)
          await raw.query('COMMIT')
          return result
        } catch (e) {
          await raw.query('ROLLBACK').catch(() => undefined)
          throw e
        }
      }),
    async close() {
      await exclusive(() => send('close')).catch(() => undefined)
      await worker.terminate()
    },
  }
}

/** A dump of a freshly initialised PGlite data directory, to start further databases from quickly. */
export async function pgliteTemplate(): Promise<Blob> {
  const { worker, send } = startWorker({})
  try {
    return (await send('dump')).blob as Blob
  } finally {
    await worker.terminate()
  }
}
