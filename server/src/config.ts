/**
 * The login server's settings, from the environment only: appid and secret are never in the repository.
 *
 *   WEAUTH_APPID              the mini program's appid (wx + 16 hex)                     required
 *   WEAUTH_APP_SECRET         its AppSecret (32 hex), only ever sent to WeChat            required
 *   WEAUTH_TOKEN_SECRET       HMAC key for access tokens, at least 32 characters          required
 *   WEAUTH_WECHAT_API         WeChat API base URL                default https://api.weixin.qq.com
 *   WEAUTH_TOKEN_TTL_SECONDS  access-token lifetime              default 7200 (2 hours)
 *   WEAUTH_OPEN_DATA_MAX_AGE  max watermark age in seconds       default 600
 *   WEAUTH_DATA_DIR           NeDB folder; unset = in memory
 *   HOST / PORT               listen address                     default 127.0.0.1:8788
 */
export interface ServerConfig {
  appid: string
  appSecret: string
  tokenSecret: Buffer
  wechatApiBase: string
  tokenTtlSeconds: number
  openDataMaxAgeSeconds: number
  dataDir?: string
  host: string
  port: number
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ConfigError'
  }
}

export const APPID_PATTERN = /^wx[0-9a-f]{16}$/

type Env = Record<string, string | undefined>

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < min || value > max)
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}`)
  return value
}

export function loadConfig(env: Env = process.env): ServerConfig {
  const appid = env.WEAUTH_APPID ?? ''
  const appSecret = env.WEAUTH_APP_SECRET ?? ''
  const tokenSecret = env.WEAUTH_TOKEN_SECRET ?? ''
  if (!APPID_PATTERN.test(appid))
    throw new ConfigError('WEAUTH_APPID must be set to the mini program appid (wx + 16 hex)')
  if (!appSecret)
    throw new ConfigError('WEAUTH_APP_SECRET must be set (from the mini program admin console; never commit it)')
  if (tokenSecret.length < 32)
    throw new ConfigError('WEAUTH_TOKEN_SECRET must be at least 32 characters (e.g. `openssl rand -hex 32`)')
  const wechatApiBase = (env.WEAUTH_WECHAT_API || 'https://api.weixin.qq.com').replace(/\/+$/, '')
  let parsed: URL
  try {
    parsed = new URL(wechatApiBase)
  } catch {
    throw new ConfigError('WEAUTH_WECHAT_API must be a URL')
  }
  if (parsed.protocol !== 'https:' && !['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname)) {
    throw new ConfigError('WEAUTH_WECHAT_API must use https (plain http only for a local emulator)')
  }
  return {
    appid,
    appSecret,
    tokenSecret: Buffer.from(tokenSecret, 'utf8'),
    wechatApiBase,
    tokenTtlSeconds: int(env, 'WEAUTH_TOKEN_TTL_SECONDS', 7200, 60, 30 * 24 * 3600),
    openDataMaxAgeSeconds: int(env, 'WEAUTH_OPEN_DATA_MAX_AGE', 600, 10, 24 * 3600),
    dataDir: env.WEAUTH_DATA_DIR || undefined,
    host: env.HOST || '127.0.0.1',
    port: int(env, 'PORT', 8788, 0, 65535),
  }
}
