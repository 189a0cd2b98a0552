import { toPublicUser, type PublicUser } from '../contract/user-view'

export type { PublicUser }

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

/** The public view of a cloud user record (packages/contract/user-view.ts). */
export function publicView(user: UserRecord): PublicUser {
  return toPublicUser({
    id: user._id,
    nickName: user.nickName,
    avatar: user.avatarFileId,
    phoneNumber: user.phoneNumber,
    createdAt: user.createdAt,
    lastLoginAt: user.lastLoginAt,
    loginCount: user.loginCount,
    privacyConsentAt: user.privacyConsentAt,
  })
}

/** A duplicate-key failure on the unique _openid index: a concurrent first login of the same user won. */
export function isDuplicateKey(e: unknown): boolean {
  const err = e as { errCode?: number; errMsg?: string; message?: string }
  return err?.errCode === -502001 && /E11000|duplicate key/i.test(`${err.errMsg ?? ''} ${err.message ?? ''}`)
}
