import { storedRecord } from './stored-record'

/**
 * The http backend's credentials on the device, next to the cached user (session-store.ts): a short-lived
 * access token and the refresh token that renews it (server/openapi.yaml, POST /auth/refresh).
 */
export const TOKEN_KEY = 'weauth:token'
const VERSION = 2
/** a token this close to expiry is treated as expired, so it never lapses mid-request */
const EXPIRY_MARGIN_MS = 60_000

interface StoredToken {
  v: typeof VERSION
  token: string
  /** ms since epoch */
  expiresAt: number
  /** absent when the server issues none (then wx.login is the only way to renew) */
  refreshToken?: string
  refreshExpiresAt?: number
}

export interface Credentials {
  token: string
  expiresAt: number
  refreshToken?: string
  refreshExpiresAt?: number
}

// pure: a cloud build never reads the token, so the bundler drops the record with its last user
const stored = /*#__PURE__*/ storedRecord<StoredToken>(
  TOKEN_KEY,
  VERSION,
  (record) =>
    typeof record.token === 'string' &&
    record.token.length > 0 &&
    typeof record.expiresAt === 'number' &&
    (record.refreshToken === undefined ||
      (typeof record.refreshToken === 'string' && typeof record.refreshExpiresAt === 'number')),
)

/** The access token, or null when there is none, it is corrupt (then it is removed) or it is about to expire. */
export function readToken(now = Date.now()): string | null {
  const record = stored.read()
  return record && record.expiresAt - EXPIRY_MARGIN_MS > now ? record.token : null
}

/** The refresh token while it is still usable, else null. */
export function readRefreshToken(now = Date.now()): string | null {
  const record = stored.read()
  return record?.refreshToken && (record.refreshExpiresAt ?? 0) - EXPIRY_MARGIN_MS > now ? record.refreshToken : null
}

export function writeCredentials(credentials: Credentials): void {
  stored.write(credentials)
}

/** kept for callers that only have an access token */
export function writeToken(token: string, expiresAt: number): void {
  stored.write({ token, expiresAt })
}

export function clearToken(): void {
  stored.clear()
}
