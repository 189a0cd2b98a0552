import type { DB } from 'wx-server-sdk'
import { cloud } from '../../../packages/cloud-kit/cloud'
import * as v from 'valibot'
import { fail, ok, type Result } from '../../../packages/contract/result'
import { ConsentVersion } from '../../../packages/contract/schemas'
import { parseEvent } from '../../../packages/cloud-kit/validate'
import { isDuplicateKey, publicView, USERS, type PublicUser, type UserRecord } from '../../../packages/cloud-kit/users'

// who is calling comes from the WeChat context, never from the event; the event only says which version
// of the privacy policy the user accepted on the authorization page
const LoginEvent = v.object({ consentVersion: v.optional(ConsentVersion) })

/**
 * Signs the caller in: finds their user record by the openid WeChat attached to the call, creating it on the
 * first login. One read and one write per login; two concurrent first logins leave one record (unique index).
 */
export async function main(event: unknown): Promise<Result<{ user: PublicUser; isNew: boolean }>> {
  const parsed = parseEvent(LoginEvent, event)
  if ('error' in parsed) return parsed.error
  const { consentVersion } = parsed.value
  const { OPENID, APPID, UNIONID } = cloud.getWXContext()
  if (!OPENID) return fail('NOT_LOGGED_IN')

  const db = cloud.database()
  const users = db.collection(USERS)
  try {
    const existing = await findUser(OPENID)
    if (existing) return await signIn(existing)
    const now = db.serverDate()
    const record = {
      _openid: OPENID,
      appid: String(APPID ?? ''),
      unionid: UNIONID ? String(UNIONID) : null,
      createdAt: now,
      lastLoginAt: now,
      loginCount: 1,
      nickName: '',
      avatarFileId: '',
      phoneNumber: null,
      countryCode: null,
      privacyConsentAt: consentVersion ? now : null,
      privacyConsentVersion: consentVersion ?? null,
      role: 'user',
      status: 'active',
    }
    try {
      const { _id } = (await users.add({ data: record })) as DB.IAddResult
      const created = new Date()
      const view = {
        ...record,
        _id: String(_id),
        createdAt: created,
        lastLoginAt: created,
        privacyConsentAt: consentVersion ? created : null,
      }
      return ok({ user: publicView(view as UserRecord), isNew: true })
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
    const _ = db.command
    const consent =
      consentVersion && consentVersion !== user.privacyConsentVersion
        ? { privacyConsentAt: db.serverDate(), privacyConsentVersion: consentVersion }
        : {}
    await users.doc(user._id).update({
      data: {
        lastLoginAt: db.serverDate(),
        loginCount: _.inc(1),
        ...(UNIONID ? { unionid: String(UNIONID) } : {}),
        ...consent,
      },
    })
    const now = new Date()
    const privacyConsentAt = 'privacyConsentAt' in consent ? now : user.privacyConsentAt
    return ok({
      user: publicView({ ...user, lastLoginAt: now, loginCount: user.loginCount + 1, privacyConsentAt }),
      isNew: false,
    })
  }
}
