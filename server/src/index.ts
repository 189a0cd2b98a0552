export { createAuthApp, listen, publicUser, HttpError, MAX_BODY_BYTES, NICKNAME_MAX } from './app'
export type { AuthApp, AuthAppDeps, RunningAuthServer } from './app'
export type { ErrorCode } from '../../packages/contract/errors'
export { loadConfig, ConfigError } from './config'
export type { ServerConfig } from './config'
export { AuthStore } from './store'
export type { UserRecord, SessionRecord } from './store'
export { createWeChatClient, WeChatUnavailable } from './wechat-client'
export type { WeChatApi, Code2SessionResult, PhoneResult } from './wechat-client'
export { decryptData, verifyRawData, signRawData, OpenDataError, DEFAULT_MAX_AGE_SECONDS } from './decrypt'
export { signAccessToken, verifyAccessToken, TokenError, TOKEN_ISSUER } from './tokens'
export type { AccessClaims } from './tokens'

import { createAuthApp, listen, type RunningAuthServer } from './app'
import { loadConfig, type ServerConfig } from './config'
import { AuthStore } from './store'
import { createWeChatClient, type WeChatApi } from './wechat-client'

export interface StartOptions {
  /** defaults to loadConfig(process.env) */
  config?: ServerConfig
  /** defaults to the real WeChat client for config.wechatApiBase */
  wechat?: WeChatApi
  store?: AuthStore
  now?: () => number
  log?: (entry: Record<string, unknown>) => void
}

export interface StartedServer extends RunningAuthServer {
  store: AuthStore
}

/** Opens the store, builds the app and listens: the whole server, as main.ts and the tests start it. */
export async function startAuthServer(options: StartOptions = {}): Promise<StartedServer> {
  const config = options.config ?? loadConfig()
  const store = options.store ?? (await AuthStore.open(config.dataDir))
  const wechat =
    options.wechat ??
    createWeChatClient({
      baseUrl: config.wechatApiBase,
      appid: config.appid,
      secret: config.appSecret,
      now: options.now,
    })
  const app = createAuthApp({ config, store, wechat, now: options.now, log: options.log })
  const running = await listen(app, config.host, config.port)
  return { ...running, store }
}
