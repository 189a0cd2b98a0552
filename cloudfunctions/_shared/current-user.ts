import type { DB } from 'wx-server-sdk'
import { fail, type Fail } from './result'
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
  if (!openid) return { error: fail('NOT_LOGGED_IN', 'this function must be called from the mini program') }
  const { data } = (await db.collection(USERS).where({ _openid: openid }).limit(1).get()) as DB.IQueryResult
  const user = data[0] as UserRecord | undefined
  if (!user) return { error: fail('NOT_LOGGED_IN', '请先登录') }
  if (user.status === 'banned') return { error: fail('ACCOUNT_BANNED', '该账号已被停用，如有疑问请联系客服') }
  if (requireConsent && !user.privacyConsentAt) return { error: fail('CONSENT_REQUIRED', '请先阅读并同意隐私政策') }
  return { user }
}
