import { storedRecord } from './stored-record'
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

const session = storedRecord<StoredSession>(SESSION_KEY, VERSION, (stored) => isUser(stored.user))

/** The cached login state, or null when there is none or it is corrupt or foreign (then it is removed). */
export function readSession(): User | null {
  return session.read()?.user ?? null
}

export function writeSession(user: User): void {
  session.write({ user, savedAt: Date.now() })
}

export const clearSession = session.clear
