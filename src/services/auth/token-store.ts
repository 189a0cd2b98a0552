import { storedRecord } from './stored-record'

/** The http provider's access token on the device, next to the cached user (session-store.ts). */
export const TOKEN_KEY = 'weauth:token'
const VERSION = 1
/** a token this close to expiry is treated as expired, so it never lapses mid-request */
const EXPIRY_MARGIN_MS = 60_000

interface StoredToken {
  v: typeof VERSION
  token: string
  /** ms since epoch */
  expiresAt: number
}

const stored = storedRecord<StoredToken>(
  TOKEN_KEY,
  VERSION,
  (record) => typeof record.token === 'string' && record.token.length > 0 && typeof record.expiresAt === 'number',
)

/** The access token, or null when there is none, it is corrupt (then it is removed) or it is about to expire. */
export function readToken(now = Date.now()): string | null {
  const record = stored.read()
  return record && record.expiresAt - EXPIRY_MARGIN_MS > now ? record.token : null
}

export function writeToken(token: string, expiresAt: number): void {
  stored.write({ token, expiresAt })
}

export const clearToken = stored.clear
