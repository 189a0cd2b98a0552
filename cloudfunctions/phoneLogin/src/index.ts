import type { DB } from 'wx-server-sdk'
import * as v from 'valibot'
import { cloud } from '../../../packages/cloud-kit/cloud'
import { fail, ok, type Result } from '../../../packages/contract/result'
import { PRIVACY_POLICY_VERSION } from '../../../packages/contract/privacy-policy'
import { parseEvent } from '../../../packages/cloud-kit/validate'
import { resolvePhone } from '../../../packages/cloud-kit/phone'
import { PhoneProof } from '../../../packages/cloud-kit/phone-event'
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
 * 手机号快捷登录: the phone button's code, with the consent the user just gave on the authorization page.
 * The consent is part of the event on purpose: this entry signs in and uses the phone in one step, so it is
 * only reachable after the tap that accepts the current policy version.
 */
const Event = v.intersect([
  PhoneProof,
  v.object({ consentVersion: v.literal(PRIVACY_POLICY_VERSION, '请先阅读并同意最新的隐私政策') }),
])

/**
 * One-tap phone login: exchanges the code (bound to the caller's openid), then signs in AND stores the number
 * in ONE database write (a new record with the phone, or one update of the existing one), so either both
 * land or neither does: there is no moment where the account exists without the phone the user just gave.
 */
export async function main(event: unknown): Promise<Result<{ user: PublicUser; isNew: boolean }>> {
  const parsed = parseEvent(Event, event)
  if ('error' in parsed) return parsed.error
  const proof = 'code' in parsed.value ? { code: parsed.value.code } : { cloudId: parsed.value.cloudId }
  const { OPENID, APPID, UNIONID, CLIENTIP } = cloud.getWXContext()
  if (!OPENID) return fail('NOT_LOGGED_IN')
  const db = cloud.database()
  const users = db.collection(USERS)
  try {
    let existing = await findUser(OPENID)
    if (existing?.status === 'banned') return fail('ACCOUNT_BANNED')
    if (existing?.status === 'deleting') {
      // a deletion the user confirmed did not finish: finish it first, then this is a first login
      if ('notDurable' in (await eraseUser(db, existing))) return fail('DELETE_NOT_DURABLE')
      existing = undefined
    }
    const risk = existing
      ? null
      : await registrationRisk(db, { openid: OPENID, appid: String(APPID ?? ''), clientIp: CLIENTIP })
    if (risk?.refuse) return fail('RISKY_USER')
    const phone = await resolvePhone(proof, OPENID)
    if ('error' in phone) return phone.error

    if (existing) return await signIn(existing, phone)
    const who = { openid: OPENID, appid: String(APPID ?? ''), unionid: UNIONID ? String(UNIONID) : null }
    const record = newUserRecord(db, who, { consented: true, riskRank: risk?.rank ?? null, phone })
    try {
      const { _id } = (await users.add({ data: record })) as DB.IAddResult
      return ok({ user: publicView(asWritten(record, String(_id))), isNew: true })
    } catch (e) {
      if (!isDuplicateKey(e)) throw e
      const winner = await findUser(OPENID)
      if (!winner) throw e
      return await signIn(winner, phone)
    }
  } catch (e) {
    console.error('phoneLogin failed', e)
    return fail('UPSTREAM')
  }

  async function findUser(openid: string): Promise<UserRecord | undefined> {
    const { data } = (await users.where({ _openid: openid }).limit(1).get()) as DB.IQueryResult
    return data[0] as UserRecord | undefined
  }

  async function signIn(
    user: UserRecord,
    phone: { phoneNumber: string; countryCode: string },
  ): Promise<Result<{ user: PublicUser; isNew: boolean }>> {
    const _ = db.command
    const res = await users.where({ _id: user._id, status: 'active' }).update({
      data: {
        lastLoginAt: db.serverDate(),
        updatedAt: db.serverDate(),
        loginCount: _.inc(1),
        phoneNumber: phone.phoneNumber,
        countryCode: phone.countryCode,
        privacyConsentAt: db.serverDate(),
        privacyConsentVersion: PRIVACY_POLICY_VERSION,
        ...(UNIONID ? { unionid: String(UNIONID) } : {}),
      },
    })
    if (updatedCount(res) !== 1) return fail('NOT_LOGGED_IN')
    const now = new Date()
    return ok({
      user: publicView({
        ...user,
        ...phone,
        lastLoginAt: now,
        loginCount: user.loginCount + 1,
        privacyConsentAt: now,
        privacyConsentVersion: PRIVACY_POLICY_VERSION,
      }),
      isNew: false,
    })
  }
}
