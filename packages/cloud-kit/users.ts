import { toPublicUser, type PublicUser } from '../contract/user-view'
import { consentOf, type AppConsent } from './consents'

export type { PublicUser }

/** The `users` collection: one record per account (its ways in: accounts.ts). */
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
  /** which version of the privacy policy was accepted (src/config/privacy.ts), by the account's own app (`appid`) */
  privacyConsentVersion: string | null
  /** the consent of each other mini program of the account, by appid (consents.ts) */
  appConsents?: Record<string, AppConsent | null>
  /** server-only: clients can never read or write users at all (database/rules/users.json) */
  role: 'user' | 'admin'
  /** `deleting`: deleteAccount has frozen the record; every other write is conditional on `active` */
  status: 'active' | 'banned' | 'deleting'
  /** files of this user that could not be removed when replaced; deleteAccount removes them too */
  staleFiles?: string[]
  /** WeChat's risk rank at registration (riskControl.getUserRiskRank), when the policy is not `off` */
  riskRank?: number | null
  updatedAt?: Date
  /** accounts merged into this one (merge.ts): makes folding each of them in happen once */
  mergedFrom?: string[]
}

export const USERS = 'users'

/** The public view of a cloud user record for one mini program (packages/contract/user-view.ts): its consent. */
export function publicView(user: UserRecord, appid: string): PublicUser {
  const consent = consentOf(user, appid)
  return toPublicUser({
    id: user._id,
    nickName: user.nickName,
    avatar: user.avatarFileId,
    phoneNumber: user.phoneNumber,
    createdAt: user.createdAt,
    lastLoginAt: user.lastLoginAt,
    loginCount: user.loginCount,
    privacyConsentAt: consent?.at ?? null,
    privacyConsentVersion: consent?.version ?? null,
    countryCode: user.countryCode,
  })
}

/** A duplicate-key failure on the unique _openid index: a concurrent first login of the same user won. */
export function isDuplicateKey(e: unknown): boolean {
  const err = e as { errCode?: number; errMsg?: string; message?: string }
  return err?.errCode === -502001 && /E11000|duplicate key/i.test(`${err.errMsg ?? ''} ${err.message ?? ''}`)
}

/** Every stored file of a user that the functions know of: the avatar and replaced avatars not yet removed. */
export function filesOf(user: Pick<UserRecord, 'avatarFileId' | 'staleFiles'>): string[] {
  return [...new Set([user.avatarFileId, ...(user.staleFiles ?? [])].filter((f): f is string => !!f))]
}

/** `stats.updated` of a conditional update: 0 means the record was not (or no longer) active. */
export const updatedCount = (res: unknown): number =>
  Number((res as { stats?: { updated?: number } })?.stats?.updated ?? 0)
