import type { DB } from 'wx-server-sdk'
import { fail, type Fail } from '../contract/result'
import { USERS, type UserRecord } from './users'

/**
 * The caller's user record, found by the openid WeChat attached to the call. Fails when the caller has no
 * identity, never logged in, or is banned; `requireConsent` also fails until the privacy policy was accepted.
 */
export async function currentUser(
  db: DB.Database,
  openid: string | undefined,
  { requireConsent = false } = {},
): Promise<{ user: UserRecord } | { error: Fail }> {
  if (!openid) return { error: fail('NOT_LOGGED_IN') }
  const { data } = (await db.collection(USERS).where({ _openid: openid }).limit(1).get()) as DB.IQueryResult
  const user = data[0] as UserRecord | undefined
  if (!user) return { error: fail('NOT_LOGGED_IN') }
  if (user.status === 'banned') return { error: fail('ACCOUNT_BANNED') }
  if (requireConsent && !user.privacyConsentAt) return { error: fail('CONSENT_REQUIRED') }
  return { user }
}
