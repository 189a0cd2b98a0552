import Taro from '@tarojs/taro'

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

export function readToken(now = Date.now()): string | null {
  let raw: unknown
  try {
    raw = Taro.getStorageSync(TOKEN_KEY)
  } catch {
    return null
  }
  if (raw === '' || raw === undefined || raw === null) return null
  const stored = raw as Partial<StoredToken>
  const valid =
    typeof stored === 'object' &&
    stored.v === VERSION &&
    typeof stored.token === 'string' &&
    stored.token.length > 0 &&
    typeof stored.expiresAt === 'number'
  if (!valid) {
    clearToken()
    return null
  }
  return stored.expiresAt! - EXPIRY_MARGIN_MS > now ? stored.token! : null
}

export function writeToken(token: string, expiresAt: number): void {
  const stored: StoredToken = { v: VERSION, token, expiresAt }
  Taro.setStorageSync(TOKEN_KEY, stored)
}

export function clearToken(): void {
  try {
    Taro.removeStorageSync(TOKEN_KEY)
  } catch {
    // nothing stored
  }
}
