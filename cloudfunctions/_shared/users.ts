/** The `users` collection: one record per openid (unique index on _openid). */
export interface UserRecord {
  _id: string
  _openid: string
  appid: string
  unionid: string | null
  createdAt: Date
  lastLoginAt: Date
  loginCount: number
  /** profile: only written after the user consented to the privacy policy */
  nickName: string
  avatarFileId: string
  phoneNumber: string | null
  countryCode: string | null
  privacyConsentAt: Date | null
  /** which version of the privacy policy was accepted (src/config/privacy.ts) */
  privacyConsentVersion: string | null
  /** server-only: clients can never write these (database/rules/users.json) */
  role: 'user' | 'admin'
  status: 'active' | 'banned'
}

export const USERS = 'users'

/** What a client may see of a user record: no openid, no unionid, the phone masked. */
export interface PublicUser {
  id: string
  nickName: string
  avatarFileId: string
  phoneMasked: string | null
  hasProfile: boolean
  createdAt: string
  lastLoginAt: string
  loginCount: number
  privacyConsented: boolean
}

export function maskPhone(phone: string | null | undefined): string | null {
  if (!phone) return null
  if (phone.length < 7) return '*'.repeat(phone.length)
  return `${phone.slice(0, 3)}${'*'.repeat(phone.length - 7)}${phone.slice(-4)}`
}

const iso = (d: Date | string | null | undefined): string => (d ? new Date(d).toISOString() : '')

export function publicView(user: UserRecord): PublicUser {
  return {
    id: user._id,
    nickName: user.nickName ?? '',
    avatarFileId: user.avatarFileId ?? '',
    phoneMasked: maskPhone(user.phoneNumber),
    hasProfile: !!(user.nickName && user.avatarFileId),
    createdAt: iso(user.createdAt),
    lastLoginAt: iso(user.lastLoginAt),
    loginCount: user.loginCount ?? 0,
    privacyConsented: !!user.privacyConsentAt,
  }
}

/** A duplicate-key failure on the unique _openid index: a concurrent first login of the same user won. */
export function isDuplicateKey(e: unknown): boolean {
  const err = e as { errCode?: number; errMsg?: string; message?: string }
  return err?.errCode === -502001 && /E11000|duplicate key/i.test(`${err.errMsg ?? ''} ${err.message ?? ''}`)
}
