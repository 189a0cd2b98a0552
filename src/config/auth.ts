/**
 * Which backend signs users in, chosen at build time by one value (pinned in config/index.ts):
 *
 *   TARO_APP_AUTH_PROVIDER=cloud   (default) WeChat Cloud: the `login` cloud function
 *   TARO_APP_AUTH_PROVIDER=http    your own server: wx.login -> POST {TARO_APP_AUTH_SERVER_URL}/auth/login
 *
 * The http provider speaks the contract in server/openapi.yaml (reference server: server/). The server URL
 * must be an https domain listed under 开发管理 → 服务器域名 → request 合法域名.
 */
export type AuthProviderName = 'cloud' | 'http'

export const AUTH_PROVIDER: AuthProviderName = process.env.TARO_APP_AUTH_PROVIDER === 'http' ? 'http' : 'cloud'

/** Base URL of the login server, without a trailing slash; empty with the cloud provider. */
export const AUTH_SERVER_URL: string = /*#__PURE__*/ (process.env.TARO_APP_AUTH_SERVER_URL || '').replace(/\/+$/, '')
