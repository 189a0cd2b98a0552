import type { DB } from 'wx-server-sdk'
import { fail, type Fail } from '../contract/result'
import { PRIVACY_POLICY_VERSION } from '../contract/privacy-policy'
import { USERS, type UserRecord } from './users'
import { findAccount, type Caller } from './accounts'

/**
 * The caller's account, found through the identity WeChat attached to the call (callerOf(getWXContext()):
 * OPENID, or FROM_OPENID on a call through resource sharing); a bare openid finds a record keyed by _openid. Fails when the caller has no
 * identity, never logged in, is banned or is being deleted; `requireConsent` also fails until the current
 * privacy policy version was accepted (CONSENT_REQUIRED when never or withdrawn, CONSENT_OUTDATED when older).
 */
export async function currentUser(
  db: DB.Database,
  caller: Caller | string | undefined,
  { requireConsent = false, allowDeleting = false } = {},
): Promise<{ user: UserRecord } | { error: Fail }> {
  if (!caller) return { error: fail('NOT_LOGGED_IN') }
  let user: UserRecord | undefined
  if (typeof caller === 'string') {
    const { data } = (await db.collection(USERS).where({ _openid: caller }).limit(1).get()) as DB.IQueryResult
    user = data[0] as UserRecord | undefined
  } else {
    user = await findAccount(db, caller)
  }
  if (!user) return { error: fail('NOT_LOGGED_IN') }
  if (user.status === 'banned') return { error: fail('ACCOUNT_BANNED') }
  if (user.status === 'deleting' && !allowDeleting) return { error: fail('NOT_LOGGED_IN') }
  if (requireConsent) {
    const problem = consentProblem(user)
    if (problem) return { error: fail(problem) }
  }
  return { user }
}

/** Why this user may not have their profile or phone used yet, or null when the current policy is accepted. */
export function consentProblem(
  user: Pick<UserRecord, 'privacyConsentAt' | 'privacyConsentVersion'>,
): 'CONSENT_REQUIRED' | 'CONSENT_OUTDATED' | null {
  if (!user.privacyConsentAt || !user.privacyConsentVersion) return 'CONSENT_REQUIRED'
  return user.privacyConsentVersion === PRIVACY_POLICY_VERSION ? null : 'CONSENT_OUTDATED'
}
