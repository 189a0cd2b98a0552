import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdirSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { join, resolve } from 'node:path'
import { FaultInjector } from './core/faults'
import type { ServiceContext, ActionTable } from './core/context'
import type { EmulatorService } from './core/lifecycle'
import type { Services } from './core/services'
import { WeChatAccounts } from './accounts'
import { FunctionRunner } from './functions/runner'
import type { FunctionLogMode } from './functions/function-logs'
import { FunctionCredentials } from './functions/credentials'
import { loadDatabaseConfig, openDatabase } from './database'
import { openStorage } from './cloud-storage'
import { createOpenApi } from './cloud-openapi'
import { createRouter, type HttpHandler } from './http/router'
import { publicEmulator, type Emulator } from './emulator'

export type { Emulator } from './emulator'
export type { ClientReply } from './http/client-reply'

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
  /**
   * the released mini program's pages (app.json `pages` plus each subpackage's root/page), which
   * wxacode.getUnlimited's check_path checks; omitted, every well-formed page passes
   */
  appPages?: string[]
  maxInstancesPerFunction?: number
  /** what the functions print: echoed (default) or only collected (tests), see functions/function-logs.ts */
  functionLogs?: FunctionLogMode
  /** the control API's token; default: a fresh random one per run (Emulator.controlToken) */
  controlToken?: string
  /** host names, besides localhost and IP addresses, that may appear in Host (e.g. a LAN name) */
  allowedHosts?: string[]
  /** extra HTTP handlers tried before the emulator's routes (the playground serves its pages this way); return true when handled */
  httpHandlers?: HttpHandler[]
}

export const DEFAULT_ENV_ID = 'weauth-local-0g1h2i3j'
/** WeChat DevTools' tourist appid shape; the emulator accepts any wx + 16 hex */
export const DEFAULT_APPID = 'wx0000000000000000'

/**
 * The services, in the order they open (and the reverse of the order they close). Each one is an
 * EmulatorService (core/lifecycle.ts); this list is the only place they are put together.
 */
function serviceList(ctx: ServiceContext, options: EmulatorOptions, credentials: FunctionCredentials) {
  let accounts: WeChatAccounts | undefined
  // a user of this mini program (not of another app sharing the environment)
  const isUser = async (openid: string) => {
    const account = await accounts?.byOpenid(openid)
    return !!account && (account.appid ?? ctx.appid) === ctx.appid
  }
  return {
    faults: async () => ctx.faults,
    accounts: async () => (accounts = await WeChatAccounts.open(ctx)),
    database: () => openDatabase(ctx, loadDatabaseConfig(options.databaseDir ?? join(REPO_ROOT, 'database'))),
    storage: () => openStorage(ctx),
    openapi: async () => createOpenApi(ctx, { appPages: options.appPages, isUser }),
    functions: async () =>
      new FunctionRunner(ctx, {
        // the deploy folders `npm run build:cloud` writes (what DevTools uploads), not the sources
        functionsDir: options.functionsDir ?? join(REPO_ROOT, 'dist-cloud'),
        maxInstances: options.maxInstancesPerFunction,
        logs: options.functionLogs,
        credentials,
      }),
  } satisfies Record<string, () => Promise<EmulatorService>>
}

type Opened<L> = { [K in keyof L]: L[K] extends () => Promise<infer S> ? S : never }

/** Opens every service in order; if one fails, those already open are closed again. */
async function openAll<L extends Record<string, () => Promise<EmulatorService>>>(list: L): Promise<Opened<L>> {
  const opened: Array<[string, EmulatorService]> = []
  try {
    for (const [name, open] of Object.entries(list)) opened.push([name, await open()])
  } catch (e) {
    await closeAll(opened.map(([, s]) => s))
    throw e
  }
  return Object.fromEntries(opened) as Opened<L>
}

async function closeAll(services: EmulatorService[]): Promise<void> {
  for (const service of [...services].reverse()) await service.close?.()
}

/** Every service's actions in one table; two services claiming one action name is a wiring mistake. */
function actionTable(services: EmulatorService[]): ActionTable {
  const table: ActionTable = {}
  for (const service of services) {
    for (const [name, handler] of Object.entries(service.actions ?? {})) {
      if (table[name]) throw new Error(`two emulator services answer the action ${name}`)
      table[name] = handler
    }
  }
  return table
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const counters = new Map<string, number>()
  const dataDir = options.dataDir ? resolve(options.dataDir) : undefined
  if (dataDir) mkdirSync(dataDir, { recursive: true })
  const ctx: ServiceContext = {
    envId: options.envId ?? DEFAULT_ENV_ID,
    appid: options.appid ?? DEFAULT_APPID,
    dataDir,
    baseUrl: '',
    faults: new FaultInjector(),
    now: () => Date.now(),
    count: (name, by = 1) => counters.set(name, (counters.get(name) ?? 0) + by),
  }
  const credentials = new FunctionCredentials()

  // listen first (services need the base URL), but answer 503 until every service is open
  let services: Services | undefined
  const controlToken = options.controlToken ?? randomBytes(18).toString('base64url')
  if (controlToken.length < 16) throw new Error('controlToken must be at least 16 characters')
  let listeningPort = 0
  const server = createServer(
    createRouter(() => services, options.httpHandlers ?? [], {
      port: () => listeningPort,
      allowedHosts: (options.allowedHosts ?? []).map((h) => h.toLowerCase()),
      controlToken,
    }),
  )
  await new Promise<void>((ok, fail) => {
    server.once('error', fail)
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', ok)
  })
  const { port, address } = server.address() as AddressInfo
  listeningPort = port
  ctx.baseUrl = `http://${address.includes(':') ? `[${address}]` : address}:${port}`
  const stopServer = async () => {
    await new Promise<void>((ok) => server.close(() => ok()))
    server.closeAllConnections()
  }

  let opened: Opened<ReturnType<typeof serviceList>>
  try {
    opened = await openAll(serviceList(ctx, options, credentials))
  } catch (e) {
    await stopServer()
    throw e
  }
  const all: EmulatorService[] = Object.values(opened)
  services = {
    ...opened,
    ctx,
    credentials,
    counters,
    actions: actionTable(all),
    reset: async () => {
      for (const service of all) await service.reset?.()
      counters.clear()
    },
  }
  return publicEmulator(services, controlToken, async () => {
    await opened.functions.close() // no instance calls back while the rest shuts down
    await stopServer()
    await closeAll(all)
  })
}
