import * as v from 'valibot'
import { cloud } from '../../../packages/cloud-kit/cloud'
import { fail, ok, type Result } from '../../../packages/contract/result'
import { PRIVACY_POLICY_VERSION } from '../../../packages/contract/privacy-policy'
import { parseEvent } from '../../../packages/cloud-kit/validate'
import { resolvePhone } from '../../../packages/cloud-kit/phone'
import { PhoneProof } from '../../../packages/cloud-kit/phone-event'
import { registrationRisk } from '../../../packages/cloud-kit/risk'
import { newUserRecord } from '../../../packages/cloud-kit/registration'
import { callerOf } from '../../../packages/cloud-kit/accounts'
import { consentUpdate, withConsent } from '../../../packages/cloud-kit/consents'
import { enterAccount } from '../../../packages/cloud-kit/enter-account'
import { publicView, updatedCount, USERS, type PublicUser, type UserRecord } from '../../../packages/cloud-kit/users'

/**
 * 手机号快捷登录: the phone button's code, with the consent the user just gave on the authorization page.
 * The consent is part of the event on purpose: this entry signs in and uses the phone in one step, so it is
 * only reachable after the tap that accepts the current policy version.
 */
const Event = v.intersect([
  PhoneProof,
  v.object({ consentVersion: v.literal(PRIVACY_POLICY_VERSION, '请先阅读并同意最新的隐私政策') }),
])

type Phone = { phoneNumber: string; countryCode: string }

/**
 * One-tap phone login into the caller's organisation account, found or created exactly as `login` does
 * (enter-account.ts: by this app's openid, else the unionid; a deleted account never comes back). The code is
 * exchanged (bound to the caller's openid), then the sign-in AND the number land in ONE database write (a new record
 * with the phone, or one update of the existing one), so there is no moment where the account exists without the
 * phone the user just gave. The consent recorded is the calling mini program's (consents.ts).
 */
export async function main(event: unknown): Promise<Result<{ user: PublicUser; isNew: boolean }>> {
  const parsed = parseEvent(Event, event)
  if ('error' in parsed) return parsed.error
  const proof = 'code' in parsed.value ? { code: parsed.value.code } : { cloudId: parsed.value.cloudId }
  const context = cloud.getWXContext()
  const caller = callerOf(context)
  if (!caller) return fail('NOT_LOGGED_IN')
  const db = cloud.database()
  const users = db.collection(USERS)
  try {
    const entered = await enterAccount<Phone>(db, caller, async () => {
      const risk = await registrationRisk(db, {
        openid: caller.openid,
        appid: caller.appid,
        clientIp: String(context.CLIENTIP ?? ''),
      })
      if (risk.refuse) return { error: fail('RISKY_USER') }
      const phone = await resolvePhone(proof, caller.openid)
      if ('error' in phone) return phone
      const who = { openid: caller.openid, appid: caller.appid, unionid: caller.unionid }
      return { record: newUserRecord(db, who, { consented: true, riskRank: risk.rank, phone }), extra: phone }
    })
    if ('error' in entered) return entered.error
    if (entered.created) return ok({ user: publicView(entered.user, caller.appid), isNew: true })
    if (entered.user.status === 'banned') return fail('ACCOUNT_BANNED')
    let phone = entered.prepared?.extra
    if (!phone) {
      const resolved = await resolvePhone(proof, caller.openid)
      if ('error' in resolved) return resolved.error
      phone = resolved
    }
    return await signIn(entered.user, phone)
  } catch (e) {
    console.error('phoneLogin failed', e)
    return fail('UPSTREAM')
  }

  async function signIn(user: UserRecord, phone: Phone): Promise<Result<{ user: PublicUser; isNew: boolean }>> {
    const _ = db.command
    // conditional on `active`: a deletion that froze the record in between leaves no number behind and no `ok`
    const res = await users.where({ _id: user._id, status: 'active' }).update({
      data: {
        lastLoginAt: db.serverDate(),
        updatedAt: db.serverDate(),
        loginCount: _.inc(1),
        phoneNumber: phone.phoneNumber,
        countryCode: phone.countryCode,
        ...consentUpdate(db, user, caller!.appid, true),
        ...(caller!.unionid ? { unionid: caller!.unionid } : {}),
      },
    })
    if (updatedCount(res) !== 1) return fail('NOT_LOGGED_IN')
    const signedIn = { ...user, ...phone, lastLoginAt: new Date(), loginCount: user.loginCount + 1 }
    return ok({ user: publicView(withConsent(signedIn, caller!.appid, true), caller!.appid), isNew: false })
  }
}
