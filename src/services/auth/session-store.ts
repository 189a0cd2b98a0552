import Taro from '@tarojs/taro'
import type { User } from './types'

/** Where the login state lives on the device; bump the version when its shape changes. */
export const SESSION_KEY = 'weauth:session'
const VERSION = 1

interface StoredSession {
  v: typeof VERSION
  user: User
  savedAt: number
}

const isString = (x: unknown): x is string => typeof x === 'string'

function isUser(x: unknown): x is User {
  const u = x as Record<string, unknown>
  return (
    !!u &&
    typeof u === 'object' &&
    isString(u.id) &&
    u.id.length > 0 &&
    isString(u.nickName) &&
    isString(u.avatarFileId) &&
    (u.phoneMasked === null || isString(u.phoneMasked)) &&
    typeof u.hasProfile === 'boolean' &&
    typeof u.loginCount === 'number' &&
    typeof u.privacyConsented === 'boolean'
  )
}

/** The cached login state, or null when there is none or it is corrupt or foreign (then it is removed). */
export function readSession(): User | null {
  let raw: unknown
  try {
    raw = Taro.getStorageSync(SESSION_KEY)
  } catch {
    return null
  }
  if (raw === '' || raw === undefined || raw === null) return null
  const stored = raw as Partial<StoredSession>
  if (typeof stored === 'object' && stored.v === VERSION && isUser(stored.user)) return stored.user
  clearSession()
  return null
}

export function writeSession(user: User): void {
  const stored: StoredSession = { v: VERSION, user, savedAt: Date.now() }
  Taro.setStorageSync(SESSION_KEY, stored)
}

export function clearSession(): void {
  try {
    Taro.removeStorageSync(SESSION_KEY)
  } catch {
    // nothing stored, nothing to clear
  }
}
