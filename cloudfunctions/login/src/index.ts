import type { DB } from 'wx-server-sdk'
import { cloud } from '../../../packages/cloud-kit/cloud'
import * as v from 'valibot'
import { fail, ok, type Result } from '../../../packages/contract/result'
import { PRIVACY_POLICY_VERSION } from '../../../packages/contract/privacy-policy'
import { parseEvent } from '../../../packages/cloud-kit/validate'
import { registrationRisk } from '../../../packages/cloud-kit/risk'
import { eraseUser } from '../../../packages/cloud-kit/erase'
import { asWritten, newUserRecord } from '../../../packages/cloud-kit/registration'
import { callerOf, IDENTITIES, resolveAccount } from '../../../packages/cloud-kit/accounts'
import { wasDeleted } from '../../../packages/cloud-kit/deleted-accounts'
import { mergeAccounts } from '../../../packages/cloud-kit/merge'
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
 * Signs the caller in to their organisation account (packages/cloud-kit/accounts.ts): found by this mini program's
 * openid, else by the person's unionid (the same account from every mini program bound to the organisation's Open
 * Platform account), created on the first login after the registration risk check. A call through resource
 * sharing signs in with FROM_APPID/FROM_OPENID/FROM_UNIONID, the calling app's own ids. Concurrent first logins,
 * from one or several mini programs, leave one account (claims on unique `_id`s, then the record under the id
 * the claims name). An openid-only account met with its unionid is merged into the unionid's account (merge.ts).
 */
export async function main(event: unknown): Promise<Result<{ user: PublicUser; isNew: boolean }>> {
  const parsed = parseEvent(LoginEvent, event)
  if ('error' in parsed) return parsed.error
  const consented = parsed.value.consentVersion !== undefined
  const context = cloud.getWXContext()
  const caller = callerOf(context)
  if (!caller) return fail('NOT_LOGGED_IN')

  const db = cloud.database()
  const users = db.collection(USERS)
  try {
    let resolved = await resolveAccount(db, caller, (from, into) => mergeAccounts(db, from, into))
    if ('user' in resolved && resolved.user.status === 'deleting') {
      // a deletion the user confirmed did not finish: finish it first, then this is a first login
      if ('notDurable' in (await eraseUser(db, resolved.user))) return fail('DELETE_NOT_DURABLE')
      resolved = await resolveAccount(db, caller, (from, into) => mergeAccounts(db, from, into))
    }
    // the account id this login resolved was deleted meanwhile: its claims are stale, so resolve again (a fresh
    // account), never recreate the deleted one under its old id
    for (let retry = 0; !('user' in resolved) && retry < 3 && (await wasDeleted(db, resolved.createAs)); retry++) {
      await db.collection(IDENTITIES).where({ userId: resolved.createAs }).remove()
      resolved = await resolveAccount(db, caller, (from, into) => mergeAccounts(db, from, into))
    }
    if ('user' in resolved) return await signIn(resolved.user)
    const risk = await registrationRisk(db, {
      openid: caller.openid,
      appid: caller.appid,
      clientIp: String(context.CLIENTIP ?? ''),
    })
    if (risk.refuse) return fail('RISKY_USER')
    const who = { openid: caller.openid, appid: caller.appid, unionid: caller.unionid }
    const record = newUserRecord(db, who, { consented, riskRank: risk.rank })
    try {
      await users.add({ data: { _id: resolved.createAs, ...record } })
      if (await wasDeleted(db, resolved.createAs)) {
        // a deletion of this id finished between the check above and the add: take the add back and start over
        await users.doc(resolved.createAs).remove()
        return fail('UPSTREAM')
      }
      return ok({ user: publicView(asWritten(record, resolved.createAs)), isNew: true })
    } catch (e) {
      if (!isDuplicateKey(e)) throw e
      // a concurrent first login of this person (from this or another mini program) created it first
      const { data } = (await users.where({ _id: resolved.createAs }).limit(1).get()) as DB.IQueryResult
      const winner = data[0] as UserRecord | undefined
      if (!winner) throw e
      return await signIn(winner)
    }
  } catch (e) {
    console.error('login failed', e)
    return fail('UPSTREAM')
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
        ...(caller!.unionid ? { unionid: caller!.unionid } : {}),
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
