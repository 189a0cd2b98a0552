import { toPublicUser, type PublicUser } from '../../../packages/contract/user-view'
import type { UserRecord } from '../db/store'
import { consentProblem } from '../../../packages/contract/consent'
import { HttpError } from './http-error'

/** What a client may see of a user: the contract's public view, the same the `login` cloud function returns. */
export function publicUser(user: UserRecord): PublicUser {
  return toPublicUser({
    id: user.id,
    nickName: user.nickName,
    avatar: user.avatarUrl,
    phoneNumber: user.phoneNumber,
    createdAt: user.createdAt,
    lastLoginAt: user.lastLoginAt,
    loginCount: user.loginCount,
    privacyConsentAt: user.privacyConsentAt,
    privacyConsentVersion: user.privacyConsentVersion,
    countryCode: user.countryCode,
  })
}

/**
 * Profile and phone writes need the current privacy policy accepted by a tap (packages/contract/consent.ts, the
 * rule the cloud functions apply): 403 CONSENT_REQUIRED when never given or withdrawn, CONSENT_OUTDATED when older.
 */
/** A record as written, with the consent of the mini program the request signed in with (from its session). */
export const asSeenBy = (written: UserRecord, signedIn: UserRecord): UserRecord => ({
  ...written,
  privacyConsentAt: signedIn.privacyConsentAt,
  privacyConsentVersion: signedIn.privacyConsentVersion,
})

export function requireConsent(user: UserRecord): void {
  const problem = consentProblem(user)
  if (problem) throw new HttpError(403, problem)
}
