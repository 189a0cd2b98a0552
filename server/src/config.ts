import { KeyConfigError, parseSigningKeys, type SigningKey } from './tokens/signing-keys'

/**
 * The server's settings, from the environment only: appid, secret and token keys are never in the repository.
 * loadConfig checks everything at start and names what is wrong; the process exits before it listens.
 *
 *   WEAUTH_APPID               the mini program's appid (wx + 16 hex)                          required
 *   WEAUTH_APP_SECRET          its AppSecret, only ever sent to WeChat                          required
 *   WEAUTH_MORE_APPS           the organisation's other mini programs served by this server:
 *                              "appid:secret,appid:secret" (each signs in to the same accounts,
 *                              linked by unionid; docs/classic-backend.md)                   optional
 *   WEAUTH_PUSH_TOKEN          the Token of 消息推送 (server-URL mode), 3-32 letters/digits; unset =
 *                              POST/GET /wechat/push answer 404                               optional
 *   WEAUTH_ERASE_COMPACTION    after a deletion: full (VACUUM FULL + WAL switch + checkpoint: no byte of the
 *                              account left in the data files) | vacuum (plain VACUUM, no lock) | off
 *                              default full on PGlite, vacuum on PostgreSQL
 *   WEAUTH_TOKEN_KEYS          access-token keys "kid:secret,kid:secret" (first signs)          one of these two
 *   WEAUTH_TOKEN_SECRET        or one secret (>= 32 characters)                                  required
 *   WEAUTH_DATABASE_URL        postgres://user:pass@host:port/db; unset = PGlite in memory;
 *                              pglite:///absolute/folder = PGlite kept in that folder
 *   WEAUTH_PUBLIC_URL          the https origin clients reach this server at (avatar URLs)     default http://HOST:PORT
 *   WEAUTH_WECHAT_API          WeChat API base URL               default https://api.weixin.qq.com
 *   WEAUTH_ACCESS_TOKEN_TTL    access-token lifetime, seconds    default 900 (15 minutes)
 *   WEAUTH_REFRESH_TOKEN_TTL   login session / refresh lifetime  default 2592000 (30 days)
 *   WEAUTH_OPEN_DATA_MAX_AGE   max watermark age in seconds      default 600
 *   WEAUTH_CORS_ORIGINS        origins allowed by CORS (H5), comma separated; unset = CORS off
 *   WEAUTH_LOGIN_PER_IP        logins per IP per minute          default 60
 *   WEAUTH_LOGIN_PER_USER      logins per WeChat user per minute default 20
 *   WEAUTH_WRITES_PER_USER     phone/profile writes per user per minute  default 10
 *   WEAUTH_AUTH_FAILURES_PER_IP refused tokens per IP per minute before 429  default 30
 *   WEAUTH_LIMIT_SYNC_MS       how often an instance shares its rate-limit counts, ms
 *                              (http/shared-counters.ts)          default 100
 *   WEAUTH_TRUST_PROXY         "true" behind a reverse proxy (client IP from X-Forwarded-For)
 *   WEAUTH_LOG_LEVEL           fatal|error|warn|info|debug|silent  default info
 *   HOST / PORT                listen address                    default 127.0.0.1:8788
 */
export interface Limits {
  loginPerIp: number
  loginPerUser: number
  writesPerUser: number
  authFailuresPerIp: number
  /** the window of every limit, ms */
  windowMs: number
  /** how often an instance adds its hits to the shared counters and reads theirs back, ms */
  syncMs: number
}

export type DatabaseConfig = { kind: 'pglite'; dataDir?: string } | { kind: 'postgres'; url: string }

/** A mini program this server signs users in for, with its own AppSecret. */
export interface MiniProgram {
  appid: string
  secret: string
}

/** `auto`: full on PGlite, vacuum on PostgreSQL (decided by the database actually opened) */
export type EraseCompaction = 'full' | 'vacuum' | 'off' | 'auto'

export interface ServerConfig {
  /** the first mini program (WEAUTH_APPID): the default when a request names none */
  appid: string
  appSecret: string
  /** every mini program served, the first one first (WEAUTH_APPID, then WEAUTH_MORE_APPS) */
  apps: MiniProgram[]
  /** the Token of WeChat's message push (server-URL mode); null = the push endpoint is off */
  pushToken: string | null
  eraseCompaction: EraseCompaction
  signingKeys: SigningKey[]
  database: DatabaseConfig
  publicUrl: string
  wechatApiBase: string
  accessTokenTtlSeconds: number
  refreshTokenTtlSeconds: number
  openDataMaxAgeSeconds: number
  corsOrigins: string[]
  limits: Limits
  trustProxy: boolean
  logLevel: string
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
const LOCAL_HOSTS = ['127.0.0.1', 'localhost', '[::1]']

type Env = Record<string, string | undefined>

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < min || value > max)
    throw new ConfigError(`${name} must be an integer between ${min} and ${max} (got "${raw}")`)
  return value
}

function url(name: string, raw: string, protocols: string[]): URL {
  let parsed: URL
  try {
    parsed = new URL(raw)
  } catch {
    throw new ConfigError(`${name} is not a URL: "${raw}"`)
  }
  if (!protocols.includes(parsed.protocol))
    throw new ConfigError(`${name} must start with ${protocols.map((p) => `${p}//`).join(' or ')}`)
  return parsed
}

function database(raw: string | undefined): DatabaseConfig {
  if (!raw) return { kind: 'pglite' }
  const parsed = url('WEAUTH_DATABASE_URL', raw, ['postgres:', 'postgresql:', 'pglite:'])
  if (parsed.protocol === 'pglite:') {
    if (!parsed.pathname || parsed.pathname === '/')
      throw new ConfigError('WEAUTH_DATABASE_URL pglite:///folder needs an absolute folder')
    return { kind: 'pglite', dataDir: decodeURIComponent(parsed.pathname) }
  }
  if (!parsed.hostname || parsed.pathname.length < 2)
    throw new ConfigError('WEAUTH_DATABASE_URL must name a host and a database: postgres://user:pass@host:5432/db')
  return { kind: 'postgres', url: raw }
}

export function loadConfig(env: Env = process.env): ServerConfig {
  const appid = env.WEAUTH_APPID ?? ''
  const appSecret = env.WEAUTH_APP_SECRET ?? ''
  if (!APPID_PATTERN.test(appid))
    throw new ConfigError('WEAUTH_APPID must be set to the mini program appid (wx + 16 hex)')
  if (!appSecret)
    throw new ConfigError('WEAUTH_APP_SECRET must be set (from the mini program admin console; never commit it)')
  const keySpec = env.WEAUTH_TOKEN_KEYS || env.WEAUTH_TOKEN_SECRET || ''
  if (!keySpec)
    throw new ConfigError('WEAUTH_TOKEN_SECRET (or WEAUTH_TOKEN_KEYS) must be set, e.g. `openssl rand -hex 32`')
  let signingKeys: SigningKey[]
  try {
    signingKeys = parseSigningKeys(keySpec)
  } catch (e) {
    if (e instanceof KeyConfigError)
      throw new ConfigError(`${env.WEAUTH_TOKEN_KEYS ? 'WEAUTH_TOKEN_KEYS' : 'WEAUTH_TOKEN_SECRET'}: ${e.message}`)
    throw e
  }

  const apps: MiniProgram[] = [{ appid, secret: appSecret }]
  for (const entry of (env.WEAUTH_MORE_APPS ?? '').split(/[\s,]+/).filter(Boolean)) {
    const colon = entry.indexOf(':')
    const more = { appid: entry.slice(0, colon), secret: entry.slice(colon + 1) }
    if (colon < 0 || !APPID_PATTERN.test(more.appid) || !more.secret)
      throw new ConfigError('WEAUTH_MORE_APPS must be "appid:secret,appid:secret" (appid = wx + 16 hex)')
    if (apps.some((a) => a.appid === more.appid))
      throw new ConfigError(`WEAUTH_MORE_APPS lists ${more.appid} twice (or repeats WEAUTH_APPID)`)
    apps.push(more)
  }
  const pushToken = env.WEAUTH_PUSH_TOKEN || null
  // the console accepts 3-32 letters and digits as the Token of 消息推送
  if (pushToken !== null && !/^[A-Za-z0-9]{3,32}$/.test(pushToken))
    throw new ConfigError('WEAUTH_PUSH_TOKEN must be 3-32 letters or digits (the Token set in 消息推送)')
  const db = database(env.WEAUTH_DATABASE_URL)
  const compaction = env.WEAUTH_ERASE_COMPACTION || 'auto'
  if (compaction !== 'full' && compaction !== 'vacuum' && compaction !== 'off' && compaction !== 'auto')
    throw new ConfigError('WEAUTH_ERASE_COMPACTION must be full, vacuum or off')

  const wechatApiBase = (env.WEAUTH_WECHAT_API || 'https://api.weixin.qq.com').replace(/\/+$/, '')
  const wechat = url('WEAUTH_WECHAT_API', wechatApiBase, ['https:', 'http:'])
  if (wechat.protocol !== 'https:' && !LOCAL_HOSTS.includes(wechat.hostname))
    throw new ConfigError('WEAUTH_WECHAT_API must use https (plain http only for a local emulator)')

  const host = env.HOST || '127.0.0.1'
  const port = int(env, 'PORT', 8788, 0, 65535)
  const publicUrl = (env.WEAUTH_PUBLIC_URL || `http://${host.includes(':') ? `[${host}]` : host}:${port}`).replace(
    /\/+$/,
    '',
  )
  url('WEAUTH_PUBLIC_URL', publicUrl, ['https:', 'http:'])

  const corsOrigins = (env.WEAUTH_CORS_ORIGINS ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean)
  for (const origin of corsOrigins) {
    const parsed = url('WEAUTH_CORS_ORIGINS', origin, ['https:', 'http:'])
    if (parsed.origin !== origin) throw new ConfigError(`WEAUTH_CORS_ORIGINS: "${origin}" is not a bare origin`)
  }

  const logLevel = env.WEAUTH_LOG_LEVEL || 'info'
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel))
    throw new ConfigError(`WEAUTH_LOG_LEVEL must be one of fatal, error, warn, info, debug, silent`)

  const accessTokenTtlSeconds = int(env, 'WEAUTH_ACCESS_TOKEN_TTL', 900, 60, 24 * 3600)
  const refreshTokenTtlSeconds = int(env, 'WEAUTH_REFRESH_TOKEN_TTL', 30 * 24 * 3600, 3600, 365 * 24 * 3600)
  if (refreshTokenTtlSeconds <= accessTokenTtlSeconds)
    throw new ConfigError('WEAUTH_REFRESH_TOKEN_TTL must be longer than WEAUTH_ACCESS_TOKEN_TTL')

  return {
    appid,
    appSecret,
    apps,
    pushToken,
    eraseCompaction: compaction,
    signingKeys,
    database: db,
    publicUrl,
    wechatApiBase,
    accessTokenTtlSeconds,
    refreshTokenTtlSeconds,
    openDataMaxAgeSeconds: int(env, 'WEAUTH_OPEN_DATA_MAX_AGE', 600, 10, 24 * 3600),
    corsOrigins,
    limits: {
      loginPerIp: int(env, 'WEAUTH_LOGIN_PER_IP', 60, 1, 1_000_000),
      loginPerUser: int(env, 'WEAUTH_LOGIN_PER_USER', 20, 1, 1_000_000),
      writesPerUser: int(env, 'WEAUTH_WRITES_PER_USER', 10, 1, 1_000_000),
      authFailuresPerIp: int(env, 'WEAUTH_AUTH_FAILURES_PER_IP', 30, 1, 1_000_000),
      windowMs: 60_000,
      syncMs: int(env, 'WEAUTH_LIMIT_SYNC_MS', 100, 10, 10_000),
    },
    trustProxy: env.WEAUTH_TRUST_PROXY === 'true',
    logLevel,
    host,
    port,
  }
}
