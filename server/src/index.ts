import type { FastifyInstance, FastifyServerOptions } from 'fastify'
import { loadConfig, type ServerConfig } from './config'
import type { Database } from './db/database'
import { openDatabase } from './db/open'
import { migrate } from './db/migrate'
import { AuthStore } from './db/store'
import { adoptLegacyAccounts } from './db/sign-in'
import type { AppContext } from './http/context'
import { buildApp } from './http/build-app'
import { Limiter } from './http/limits'
import { SharedCounters } from './http/shared-counters'
import { createWeChatClient, type WeChatApi } from './wechat-client'

export { loadConfig, ConfigError } from './config'
export type { ServerConfig } from './config'
export { AuthStore } from './db/store'
export type { UserRecord } from './db/store'
export type { Database } from './db/database'
export { openDatabase } from './db/open'
export { migrate } from './db/migrate'
export { createWeChatClient, WeChatUnavailable } from './wechat-client'
export type { WeChatApi, Code2SessionResult, PhoneResult, TextCheckResult } from './wechat-client'
export { decryptData, verifyRawData, signRawData, OpenDataError, DEFAULT_MAX_AGE_SECONDS } from './decrypt'
export { signAccessToken, verifyAccessToken, TokenError, TOKEN_ISSUER } from './tokens/access-token'
export type { AccessClaims } from './tokens/access-token'
export { parseSigningKeys } from './tokens/signing-keys'
export { buildApp, MAX_BODY_BYTES } from './http/build-app'
export { openPglite, pgliteTemplate } from './db/pglite'
export { compactAfterErase, eraseAccount } from './db/erase'

export interface StartOptions {
  /** defaults to loadConfig(process.env) */
  config?: ServerConfig
  /**
   * defaults to the real WeChat client for config.wechatApiBase, one per configured mini program, each access
   * token shared through the store; a function answers the client of each appid
   */
  wechat?: WeChatApi | ((appid: string) => WeChatApi)
  /** an open database (migrated here); defaults to the configured one */
  database?: Database
  /** a PGlite data-directory dump to start an in-memory database from (tests: skips initdb) */
  pgliteTemplate?: Blob
  now?: () => number
  logger?: FastifyServerOptions['logger']
}

export interface StartedServer {
  url: string
  app: FastifyInstance
  store: AuthStore
  /** the rate-limit counters; `sync()` shares this instance's hits now instead of at the next interval */
  counters: SharedCounters
  close(): Promise<void>
}

/** Opens and migrates the database, builds the app and listens: the whole server, as main.ts and the tests start it. */
export async function startAuthServer(options: StartOptions = {}): Promise<StartedServer> {
  const config = options.config ?? loadConfig()
  const now = options.now ?? Date.now
  const db = options.database ?? (await openDatabase(config.database, { template: options.pgliteTemplate }))
  if (options.database) await migrate(db)
  const store = new AuthStore(db, config.appid)
  await adoptLegacyAccounts(db, config.appid)
  const clients = new Map<string, WeChatApi>()
  const wechatFor = (appid: string): WeChatApi => {
    const app = config.apps.find((a) => a.appid === appid)
    if (!app) throw new Error(`${appid} is not one of the configured mini programs`)
    let client = clients.get(appid)
    if (!client) {
      const given = options.wechat
      client =
        typeof given === 'function'
          ? given(appid)
          : (given ??
            createWeChatClient({
              baseUrl: config.wechatApiBase,
              appid,
              secret: app.secret,
              now,
              tokens: {
                current: () => store.wechatAccessToken(appid, new Date(now())),
                refresh: (fetchFresh, refused) =>
                  store.refreshWechatAccessToken(appid, new Date(now()), fetchFresh, refused),
              },
            }))
      clients.set(appid, client)
    }
    return client
  }
  const counters = new SharedCounters(store, now)
  const ctx: AppContext = {
    config,
    store,
    wechat: wechatFor(config.appid),
    wechatFor,
    now,
    limiter: new Limiter(counters, config.limits, now),
    counters,
  }
  const app = await buildApp(ctx, { logger: options.logger })
  // the limits hold on this instance's own counts meanwhile; a failed sync is retried with the next one
  const syncCounters = () =>
    counters.sync().catch((e: unknown) => app.log.warn({ event: 'rate-counters.sync-failed', err: e }))
  const syncer = setInterval(() => void syncCounters(), config.limits.syncMs)
  syncer.unref()
  const address = await app.listen({ host: config.host, port: config.port })
  const bound = app.server.address()
  const url =
    bound && typeof bound === 'object'
      ? `http://${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}`
      : address
  // expired sessions, refresh tokens and counters are of no use to anyone: swept hourly (any instance may)
  const sweeper = setInterval(() => void store.sweep(new Date(now())).catch(() => undefined), 3600_000)
  sweeper.unref()
  return {
    url,
    app,
    store,
    counters,
    async close() {
      clearInterval(sweeper)
      clearInterval(syncer)
      await app.close()
      await syncCounters() // the last hits are shared too
      if (!options.database) await db.close()
    },
  }
}
