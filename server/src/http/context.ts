import type { ServerConfig } from '../config'
import type { AuthStore, UserRecord } from '../db/store'
import type { WeChatApi } from '../wechat-client'
import type { AccessClaims } from '../tokens/access-token'
import type { Limiter } from './limits'

/** What every route gets: settings, the store, WeChat, the clock and the shared limits. */
export interface AppContext {
  config: ServerConfig
  store: AuthStore
  wechat: WeChatApi
  /** ms since epoch; tests move it to expire tokens */
  now: () => number
  limiter: Limiter
}

declare module 'fastify' {
  interface FastifyRequest {
    /** set by the authenticate preHandler on routes that need a login */
    auth?: { claims: AccessClaims; user: UserRecord }
  }
}
