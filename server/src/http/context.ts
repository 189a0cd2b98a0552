import type { ServerConfig } from '../config'
import type { AuthStore, UserRecord } from '../db/store'
import type { WeChatApi } from '../wechat-client'
import type { AccessClaims } from '../tokens/access-token'
import type { Limiter } from './limits'
import type { SharedCounters } from './shared-counters'

/** What every route gets: settings, the store, WeChat, the clock and the shared limits. */
export interface AppContext {
  config: ServerConfig
  store: AuthStore
  /** WeChat's API as the first mini program (config.appid) */
  wechat: WeChatApi
  /** WeChat's API as one of the configured mini programs (each has its own secret and access token) */
  wechatFor(appid: string): WeChatApi
  /** ms since epoch; tests move it to expire tokens */
  now: () => number
  limiter: Limiter
  /** the rate-limit counters behind `limiter` and the per-IP limits (synced with the database in batches) */
  counters: SharedCounters
}

/** The mini program and openid a request's session signed in with: whom WeChat is asked about. */
export interface Identity {
  appid: string
  openid: string
}

declare module 'fastify' {
  interface FastifyRequest {
    /** set by the authenticate preHandler on routes that need a login */
    auth?: { claims: AccessClaims; user: UserRecord; identity: Identity }
    /** what the route found worth logging, written with the request's one log line (http/request-log.ts) */
    outcome?: Record<string, unknown>
  }
}
