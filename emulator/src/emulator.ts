import type { Caller } from './core/caller'
import { attachServices, type Services } from './core/services'
import type { FaultInjector } from './core/faults'
import type { WeChatAccounts } from './accounts'
import type { OpenPlatform, OpenPlatformAccount } from './accounts/open-platform'
import type { EmulatedOpenApi } from './cloud-openapi'
import type { InvocationIdentity, InvocationResult } from './functions/runner'
import type { FunctionLogLine } from './functions/function-logs'
import { scfEnvironment } from './functions/scf-environment'
import { handleClient } from './http/client-api'
import { handleControl } from './http/control-api'
import { clientReply, roundTrip, type ClientReply } from './http/client-reply'

export interface StoredFileInfo {
  cloudPath: string
  fileID: string
  size: number
  uploadedBy?: string
  createdAt: number
}

/**
 * A running emulator, as tests, the playground, benchmarks and scripts see it: its URL and ids, the simulated
 * WeChat users, fault injection, the fixtures standing in for the WeChat client, views of the stored data, the
 * three ways in (as the mini program, as a cloud function, as the control panel), and stop. Nothing else of
 * the emulator's inside is reachable from here.
 */
export interface Emulator {
  readonly url: string
  readonly envId: string
  readonly appid: string
  /** this run's control-API token: send it as x-weauth-control-token with POST /control/<op> */
  readonly controlToken: string
  /** the environment's ids and its clock: assign `now` to move time (code expiry), restore it afterwards */
  readonly ctx: { readonly envId: string; readonly appid: string; now: () => number }
  /** the simulated WeChat users */
  readonly accounts: Pick<WeChatAccounts, 'create' | 'list' | 'byOpenid' | 'expireSession'>
  /** Open Platform accounts (which appids share unionids) and the environment's sharing list (资源复用) */
  readonly openPlatform: Pick<OpenPlatform, 'unbind' | 'list' | 'accountOf' | 'share' | 'unshare' | 'sharedWith'> & {
    /** binds appids to an Open Platform account; their devices get a unionid from then on */
    bind(id: string, appids: string[]): Promise<OpenPlatformAccount>
  }
  /** latency and failures on any service (core/faults.ts) */
  readonly faults: Pick<FaultInjector, 'add' | 'list' | 'clear'>
  /** what the WeChat client hands out (phone codes, CloudIDs) and WeChat's content-safety verdicts */
  readonly fixtures: EmulatedOpenApi['fixtures']
  /**
   * 订阅消息: the mini program's templates, what wx.requestSubscribeMessage granted (one send per 'accept') and
   * every message subscribeMessage.send accepted (recorded, delivered nowhere)
   */
  readonly subscribeMessages: {
    addTemplate: EmulatedOpenApi['fixtures']['addSubscribeTemplate']
    templates: EmulatedOpenApi['subscribeMessages']['templateList']
    sent: EmulatedOpenApi['subscribeMessages']['sent']
    subscriptions: EmulatedOpenApi['subscribeMessages']['subscriptions']
  }
  /** the same fixtures, under the name older tests use */
  readonly openapi: { readonly fixtures: EmulatedOpenApi['fixtures'] }
  /** every document of a collection, straight from the store; [] if the collection does not exist */
  dump(collection: string): Promise<Array<Record<string, any>>>
  /** the collections that exist now */
  collections(): string[]
  /** the stored files, by cloud path, optionally under a prefix */
  files(prefix?: string): Promise<StoredFileInfo[]>
  /** `dump` and `collections` under the names older tests use */
  readonly database: { dump(collection: string): Promise<Array<Record<string, any>>>; collections(): string[] }
  /** `files` under the name older tests use */
  readonly storage: { list(prefix?: string): Promise<StoredFileInfo[]> }
  /** requests by kind (`client.functions.callFunction`, `admin.database.getDocument`, ...); clear() to restart counting */
  readonly counters: Map<string, number>
  /** runs a cloud function directly with the given WeChat context (benchmarks) */
  readonly functions: {
    invoke(name: string, event: unknown, identity: InvocationIdentity): Promise<InvocationResult>
    /** what the functions printed (console.log/error), oldest first, like the cloud console's log tab */
    logs(functionName?: string): FunctionLogLine[]
  }
  /** a request of the mini program signed in as the account with this token (what wx.cloud sends) */
  client(action: string, token: string, params: Record<string, unknown>): Promise<ClientReply>
  /**
   * a TCB admin action as a cloud function sends it (full access); throws WeChat's CloudError on failure.
   * `openid`: the user whose invocation sends it (what the invocation's WX_API_TOKEN tells the emulator)
   */
  admin(
    action: string,
    params: Record<string, unknown>,
    functionName?: string,
    openid?: string,
  ): Promise<Record<string, unknown>>
  /** the control API (`POST /control/<op>`) without a socket */
  control(op: string, params?: Record<string, unknown>): Promise<Record<string, unknown>>
  /** environment variables that make an in-process wx-server-sdk act as the named cloud function here */
  adminEnv(functionName?: string): Record<string, string>
  /** every service back to a fresh state: data, accounts, fixtures, faults, counters */
  reset(): Promise<void>
  stop(): Promise<void>
}

export function publicEmulator(services: Services, controlToken: string, stop: () => Promise<void>): Emulator {
  const { ctx, accounts, faults, openapi, database, storage } = services
  const files = async (prefix?: string) => storage.list(prefix)
  const dump = (collection: string) => database.dump(collection)
  const collections = () => database.collections()
  const emulator: Emulator = {
    url: ctx.baseUrl,
    envId: ctx.envId,
    appid: ctx.appid,
    controlToken,
    ctx: {
      envId: ctx.envId,
      appid: ctx.appid,
      get now() {
        return ctx.now
      },
      set now(clock: () => number) {
        ctx.now = clock
      },
    },
    accounts: {
      create: (input) => accounts.create(input),
      list: () => accounts.list(),
      byOpenid: (openid) => accounts.byOpenid(openid),
      expireSession: (openid) => accounts.expireSession(openid),
    },
    openPlatform: {
      bind: (id, appids) => accounts.bindOpenPlatform(id, appids),
      unbind: (appid) => accounts.openPlatform.unbind(appid),
      list: () => accounts.openPlatform.list(),
      accountOf: (appid) => accounts.openPlatform.accountOf(appid),
      share: (appid) => accounts.openPlatform.share(appid),
      unshare: (appid) => accounts.openPlatform.unshare(appid),
      sharedWith: () => accounts.openPlatform.sharedWith(),
    },
    faults: {
      add: (rule) => faults.add(rule),
      list: () => faults.list(),
      clear: () => faults.clear(),
    },
    fixtures: openapi.fixtures,
    subscribeMessages: {
      addTemplate: (input) => openapi.fixtures.addSubscribeTemplate(input),
      templates: () => openapi.subscribeMessages.templateList(),
      sent: (touser) => openapi.subscribeMessages.sent(touser),
      subscriptions: (openid) => openapi.subscribeMessages.subscriptions(openid),
    },
    openapi: { fixtures: openapi.fixtures },
    dump,
    collections,
    files,
    database: { dump, collections },
    storage: { list: files },
    counters: services.counters,
    functions: {
      invoke: (name, event, identity) => services.functions.invoke(name, event, identity),
      logs: (functionName) => services.functions.logs.list(functionName),
    },
    client: (action, token, params) =>
      clientReply(() => handleClient(services, action, token, roundTrip(params), '127.0.0.1')),
    admin: async (action, params, functionName = 'weauth-admin', openid) => {
      const handler = services.actions[action]
      if (!handler) throw new Error(`no emulator action ${action}`)
      const caller: Caller = { kind: 'admin', functionName, openid }
      return handler(caller, params)
    },
    control: async (op, params = {}) => roundTrip(await handleControl(services, op, roundTrip(params))),
    adminEnv: (functionName = 'weauth-admin') =>
      scfEnvironment({
        envId: ctx.envId,
        baseUrl: ctx.baseUrl,
        functionName,
        credential: services.credentials.issue(functionName),
      }),
    reset: () => services.reset(),
    stop,
  }
  return attachServices(emulator, services)
}
