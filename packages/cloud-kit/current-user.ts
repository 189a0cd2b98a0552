import type { DB } from 'wx-server-sdk'
import { fail, type Fail } from '../contract/result'
import { consentProblem } from './consents'
import type { UserRecord } from './users'
import { findAccount, type Caller } from './accounts'

/**
 * The caller's account, found through the identity WeChat attached to the call (callerOf(getWXContext()):
 * OPENID, or FROM_OPENID on a call through resource sharing). Fails when the caller has no identity, never logged
 * in, is banned or is being deleted; `requireConsent` also fails until the current privacy policy version was
 * accepted in the caller's own mini program (consents.ts): CONSENT_REQUIRED when never or withdrawn,
 * CONSENT_OUTDATED when older.
 */
export async function currentUser(
  db: DB.Database,
  caller: Caller | undefined,
  { requireConsent = false, allowDeleting = false } = {},
): Promise<{ user: UserRecord } | { error: Fail }> {
  if (!caller) return { error: fail('NOT_LOGGED_IN') }
  const user: UserRecord | undefined = await findAccount(db, caller)
  if (!user) return { error: fail('NOT_LOGGED_IN') }
  if (user.status === 'banned') return { error: fail('ACCOUNT_BANNED') }
  if (user.status === 'deleting' && !allowDeleting) return { error: fail('NOT_LOGGED_IN') }
  if (requireConsent) {
    const problem = consentProblem(user, caller.appid)
    if (problem) return { error: fail(problem) }
  }
  return { user }
}
