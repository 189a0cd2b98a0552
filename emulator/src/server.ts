import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { randomBytes, randomUUID } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { CloudError } from './core/errors'
import { FaultInjector } from './core/faults'
import type { ServiceContext } from './core/context'
import { WeChatAccounts } from './accounts'
import { FunctionRunner } from './functions/runner'
import { loadDatabaseConfig, openDatabase } from './database'
import { openStorage } from './cloud-storage'
import { createOpenApi, rawBodyOf } from './cloud-openapi'
import { readBody } from './http/body'
import { sendJson } from './http/respond'
import { handleAdmin } from './http/admin-api'
import { handleClient } from './http/client-api'
import { handleControl } from './http/control-api'
import { handleWeChatApi } from './http/wechat-api'
import type { Services } from './core/services'

const REPO_ROOT = resolve(__dirname, '..', '..')

export interface EmulatorOptions {
  /** folder for persistent data; omit for an in-memory emulator (tests) */
  dataDir?: string
  host?: string
  /** 0 (default) picks a free port */
  port?: number
  envId?: string
  appid?: string
  functionsDir?: string
  databaseDir?: string
  maxInstancesPerFunction?: number
  /** extra HTTP handlers tried before the emulator's routes (the playground serves its pages this way); return true when handled */
  httpHandlers?: Array<(req: IncomingMessage, res: ServerResponse) => Promise<boolean>>
}

export interface Emulator extends Services {
  url: string
  /** the same dispatch the HTTP API uses, without a socket: for in-process clients (tests) */
  client(action: string, token: string, params: Record<string, unknown>): Promise<ClientReply>
  control(op: string, params?: Record<string, unknown>): Promise<Record<string, unknown>>
  /**
   * Environment variables that make an in-process wx-server-sdk act as the named cloud function against
   * this emulator (tests and scripts that seed or inspect data as an admin).
   */
  adminEnv(functionName?: string): Record<string, string>
  stop(): Promise<void>
}

export type ClientReply =
  | ({ ok: true } & Record<string, unknown>)
  | { ok: false; errCode: number; errMsg: string; code: string }

export const DEFAULT_ENV_ID = 'weauth-local-0g1h2i3j'
/** WeChat DevTools' tourist appid shape; the emulator accepts any wx + 16 hex */
export const DEFAULT_APPID = 'wx0000000000000000'

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const counters = new Map<string, number>()
  const faults = new FaultInjector()
  const dataDir = options.dataDir ? resolve(options.dataDir) : undefined
  if (dataDir) mkdirSync(dataDir, { recursive: true })
  const ctx: ServiceContext = {
    envId: options.envId ?? DEFAULT_ENV_ID,
    appid: options.appid ?? DEFAULT_APPID,
    dataDir,
    baseUrl: '',
    faults,
    now: () => Date.now(),
    count: (name, by = 1) => counters.set(name, (counters.get(name) ?? 0) + by),
  }

  // One credential per function name, so admin requests say which function made them.
  const secretKey = randomBytes(16).toString('hex')
  const secretIds = new Map<string, string>()
  const credentialFor = (name: string) => {
    const secretId = `AKIDweauth${name}`
    secretIds.set(secretId, name)
    return { secretId, secretKey, sessionToken: randomUUID() }
  }

  const server = createServer((req, res) => void route(services, req, res, options.httpHandlers ?? []))
  await new Promise<void>((ok) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', ok))
  const { port, address } = server.address() as AddressInfo
  ctx.baseUrl = `http://${address}:${port}`

  const [database, storage, accounts] = await Promise.all([
    openDatabase(ctx, loadDatabaseConfig(options.databaseDir ?? join(REPO_ROOT, 'database'))),
    openStorage(ctx),
    WeChatAccounts.open(ctx),
  ])
  const openapi = createOpenApi(ctx)
  const functions = new FunctionRunner(ctx, {
    functionsDir: options.functionsDir ?? join(REPO_ROOT, 'cloudfunctions'),
    maxInstances: options.maxInstancesPerFunction,
    credentialFor,
  })
  const services: Services = {
    ctx,
    faults,
    accounts,
    functions,
    database,
    storage,
    openapi,
    actions: { ...database.actions, ...storage.actions, ...openapi.actions },
    functionNameForSecretId: (id) => secretIds.get(id),
    counters,
  }

  return Object.assign(services, {
    url: ctx.baseUrl,
    client: (action: string, token: string, params: Record<string, unknown>) =>
      clientReply(() => handleClient(services, action, token, roundTrip(params), '127.0.0.1')),
    adminEnv: (functionName = 'weauth-admin') => {
      const creds = credentialFor(functionName)
      return {
        TENCENTCLOUD_RUNENV: 'SCF',
        TENCENTCLOUD_REGION: 'ap-shanghai',
        SCF_NAMESPACE: ctx.envId,
        TCB_ENV: ctx.envId,
        TENCENTCLOUD_SECRETID: creds.secretId,
        TENCENTCLOUD_SECRETKEY: creds.secretKey,
        TENCENTCLOUD_SESSIONTOKEN: creds.sessionToken,
        TCB_CONTEXT_CNFG: JSON.stringify({ URL: `${ctx.baseUrl}/admin` }),
        SILENCE: 'true',
      }
    },
    control: async (op: string, params: Record<string, unknown> = {}) =>
      roundTrip(await handleControl(services, op, roundTrip(params))),
    stop: async () => {
      await functions.close()
      await new Promise<void>((ok) => server.close(() => ok()))
      server.closeAllConnections()
      await database.close()
    },
  })
}

/** Values cross the emulator boundary as JSON, in process too, so nothing relies on shared object identity. */
function roundTrip<T>(value: T): T {
  return JSON.parse(JSON.stringify(value))
}

async function clientReply(run: () => Promise<Record<string, unknown>>): Promise<ClientReply> {
  try {
    return roundTrip({ ok: true as const, ...(await run()) })
  } catch (e) {
    const err = e instanceof CloudError ? e : new CloudError('SYS_ERR', (e as Error)?.message ?? String(e))
    return { ok: false, errCode: err.errCode, errMsg: err.message, code: err.code }
  }
}

async function route(
  services: Services,
  req: IncomingMessage,
  res: ServerResponse,
  extra: NonNullable<EmulatorOptions['httpHandlers']>,
): Promise<void> {
  const requestId = randomUUID()
  try {
    for (const handle of extra) if (await handle(req, res)) return
    if (await services.storage.handleHttp(req, res)) return
    const url = new URL(req.url ?? '/', 'http://emulator')
    if (req.method === 'GET' && url.pathname === '/health')
      return sendJson(res, 200, { ok: true, envId: services.ctx.envId })
    if (await handleWeChatApi(services, req, res)) return
    if (req.method !== 'POST') return sendJson(res, 405, { code: 'INVALID_PARAM', message: 'POST only', requestId })
    const params = await readBody(req)
    if (url.pathname === '/admin') {
      try {
        const reply = await handleAdmin(services, req, params)
        // 云调用 answers in protobuf, not JSON (emulator/src/cloud-openapi/replies.ts)
        const raw = rawBodyOf(reply)
        if (!raw) return sendJson(res, 200, { ...reply, requestId })
        res.writeHead(200, { 'content-type': raw.contentType, 'content-length': raw.body.length })
        return void res.end(raw.body)
      } catch (e) {
        const err = e instanceof CloudError ? e : new CloudError('SYS_ERR', (e as Error)?.message ?? String(e))
        return sendJson(res, 200, err.toAdminBody(requestId))
      }
    }
    const [, area, name] = url.pathname.split('/')
    if (area === 'client' && name) {
      const ip = req.socket.remoteAddress ?? '127.0.0.1'
      return sendJson(
        res,
        200,
        await clientReply(() => handleClient(services, name, req.headers['x-weauth-token'], params, ip)),
      )
    }
    if (area === 'control' && name) {
      return sendJson(res, 200, await clientReply(() => handleControl(services, name, params)))
    }
    sendJson(res, 404, { code: 'INVALID_PARAM', message: `no route ${url.pathname}`, requestId })
  } catch (e) {
    const err = e instanceof CloudError ? e : new CloudError('SYS_ERR', (e as Error)?.message ?? String(e))
    if (!res.headersSent) sendJson(res, 400, err.toAdminBody(requestId))
  }
}
