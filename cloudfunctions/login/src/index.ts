import { cloud } from '../../../packages/cloud-kit/cloud'
import * as v from 'valibot'
import { fail, ok, type Result } from '../../../packages/contract/result'
import { PRIVACY_POLICY_VERSION } from '../../../packages/contract/privacy-policy'
import { parseEvent } from '../../../packages/cloud-kit/validate'
import { registrationRisk } from '../../../packages/cloud-kit/risk'
import { newUserRecord } from '../../../packages/cloud-kit/registration'
import { callerOf } from '../../../packages/cloud-kit/accounts'
import { consentUpdate, withConsent } from '../../../packages/cloud-kit/consents'
import { enterAccount } from '../../../packages/cloud-kit/enter-account'
import { publicView, updatedCount, USERS, type PublicUser, type UserRecord } from '../../../packages/cloud-kit/users'

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
 * Platform account), created on the first login after the registration risk check (enter-account.ts). A call
 * through resource sharing signs in with FROM_APPID/FROM_OPENID/FROM_UNIONID, the calling app's own ids. Concurrent
 * first logins, from one or several mini programs, leave one account. Consent, given or not, is this mini
 * program's (consents.ts): the reply's `consentVersion` is the one accepted in the calling app.
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
    const entered = await enterAccount(db, caller, async () => {
      const risk = await registrationRisk(db, {
        openid: caller.openid,
        appid: caller.appid,
        clientIp: String(context.CLIENTIP ?? ''),
      })
      if (risk.refuse) return { error: fail('RISKY_USER') }
      const who = { openid: caller.openid, appid: caller.appid, unionid: caller.unionid }
      return { record: newUserRecord(db, who, { consented, riskRank: risk.rank }), extra: null }
    })
    if ('error' in entered) return entered.error
    if (entered.created) return ok({ user: publicView(entered.user, caller.appid), isNew: true })
    return await signIn(entered.user)
  } catch (e) {
    console.error('login failed', e)
    return fail('UPSTREAM')
  }

  async function signIn(user: UserRecord): Promise<Result<{ user: PublicUser; isNew: boolean }>> {
    if (user.status === 'banned') return fail('ACCOUNT_BANNED')
    if (user.status === 'deleting') return fail('NOT_LOGGED_IN')
    const _ = db.command
    // conditional on `active`: a deletion that froze the record in between makes this a no-op, not an ok
    const res = await users.where({ _id: user._id, status: 'active' }).update({
      data: {
        lastLoginAt: db.serverDate(),
        updatedAt: db.serverDate(),
        loginCount: _.inc(1),
        ...(caller!.unionid ? { unionid: caller!.unionid } : {}),
        ...(consented ? consentUpdate(db, user, caller!.appid, true) : {}),
      },
    })
    if (updatedCount(res) !== 1) return fail('NOT_LOGGED_IN')
    const signedIn = { ...user, lastLoginAt: new Date(), loginCount: user.loginCount + 1 }
    const shown = consented ? withConsent(signedIn, caller!.appid, true) : signedIn
    return ok({ user: publicView(shown, caller!.appid), isNew: false })
  }
}
