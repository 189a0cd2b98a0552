import type { DB } from 'wx-server-sdk'
import { cloud } from '../../../packages/cloud-kit/cloud'
import * as v from 'valibot'
import { fail, ok, type Result } from '../../../packages/contract/result'
import { PRIVACY_POLICY_VERSION } from '../../../packages/contract/privacy-policy'
import { parseEvent } from '../../../packages/cloud-kit/validate'
import { registrationRisk } from '../../../packages/cloud-kit/risk'
import { eraseUser } from '../../../packages/cloud-kit/erase'
import { asWritten, newUserRecord } from '../../../packages/cloud-kit/registration'
import {
  isDuplicateKey,
  publicView,
  updatedCount,
  USERS,
  type PublicUser,
  type UserRecord,
} from '../../../packages/cloud-kit/users'

/**
 * Who is calling comes from the WeChat context, never from the event. `consentVersion` is sent only by the
 * authorization page's tap after the user ticked the consent box for the version it showed; a silent
 * re-login sends nothing, and the reply's `user.consentVersion` tells the app whether to ask again.
 * A version other than the current one is refused: a page cannot accept a policy the backend does not show.
 */
const LoginEvent = v.object({
  consentVersion: v.optional(v.literal(PRIVACY_POLICY_VERSION, '隐私政策已更新，请重新阅读后同意')),
})

/**
 * Signs the caller in: finds their user record by the openid WeChat attached to the call, creating it on the
 * first login (after the registration risk check). One read and one write per login; two concurrent first
 * logins leave one record (unique index on _openid).
 */
export async function main(event: unknown): Promise<Result<{ user: PublicUser; isNew: boolean }>> {
  const parsed = parseEvent(LoginEvent, event)
  if ('error' in parsed) return parsed.error
  const consented = parsed.value.consentVersion !== undefined
  const { OPENID, APPID, UNIONID, CLIENTIP } = cloud.getWXContext()
  if (!OPENID) return fail('NOT_LOGGED_IN')

  const db = cloud.database()
  const users = db.collection(USERS)
  try {
    let existing = await findUser(OPENID)
    if (existing?.status === 'deleting') {
      // a deletion the user confirmed did not finish: finish it first, then this is a first login
      if ('notDurable' in (await eraseUser(db, existing))) return fail('DELETE_NOT_DURABLE')
      existing = undefined
    }
    if (existing) return await signIn(existing)
    const risk = await registrationRisk(db, { openid: OPENID, appid: String(APPID ?? ''), clientIp: CLIENTIP })
    if (risk.refuse) return fail('RISKY_USER')
    const who = { openid: OPENID, appid: String(APPID ?? ''), unionid: UNIONID ? String(UNIONID) : null }
    const record = newUserRecord(db, who, { consented, riskRank: risk.rank })
    try {
      const { _id } = (await users.add({ data: record })) as DB.IAddResult
      return ok({ user: publicView(asWritten(record, String(_id))), isNew: true })
    } catch (e) {
      if (!isDuplicateKey(e)) throw e
      // a concurrent first login of this user created the record first: sign in to it instead
      const winner = await findUser(OPENID)
      if (!winner) throw e
      return await signIn(winner)
    }
  } catch (e) {
    console.error('login failed', e)
    return fail('UPSTREAM')
  }

  async function findUser(openid: string): Promise<UserRecord | undefined> {
    const { data } = (await users.where({ _openid: openid }).limit(1).get()) as DB.IQueryResult
    return data[0] as UserRecord | undefined
  }

  async function signIn(user: UserRecord): Promise<Result<{ user: PublicUser; isNew: boolean }>> {
    if (user.status === 'banned') return fail('ACCOUNT_BANNED')
    if (user.status === 'deleting') return fail('NOT_LOGGED_IN')
    const _ = db.command
    const consent = consented
      ? { privacyConsentAt: db.serverDate(), privacyConsentVersion: PRIVACY_POLICY_VERSION }
      : {}
    // conditional on `active`: a deletion that froze the record in between makes this a no-op, not an ok
    const res = await users.where({ _id: user._id, status: 'active' }).update({
      data: {
        lastLoginAt: db.serverDate(),
        updatedAt: db.serverDate(),
        loginCount: _.inc(1),
        ...(UNIONID ? { unionid: String(UNIONID) } : {}),
        ...consent,
      },
    })
    if (updatedCount(res) !== 1) return fail('NOT_LOGGED_IN')
    const now = new Date()
    return ok({
      user: publicView({
        ...user,
        lastLoginAt: now,
        loginCount: user.loginCount + 1,
        ...(consented ? { privacyConsentAt: now, privacyConsentVersion: PRIVACY_POLICY_VERSION } : {}),
      }),
      isNew: false,
    })
  }
}
