import cloud from 'wx-server-sdk'
import * as v from 'valibot'
import { fail, ok, type Result } from '../../_shared/result'
import { parseEvent } from '../../_shared/validate'
import { isDuplicateKey, publicView, USERS, type PublicUser, type UserRecord } from '../../_shared/users'

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })

// login takes nothing from the client: who is calling comes from the WeChat context
const LoginEvent = v.object({})

/**
 * Signs the caller in: finds their user record by the openid WeChat attached to the call, creating it on the
 * first login. One read and one write per login; two concurrent first logins leave one record (unique index).
 */
export async function main(event: unknown): Promise<Result<{ user: PublicUser; isNew: boolean }>> {
  const parsed = parseEvent(LoginEvent, event)
  if ('error' in parsed) return parsed.error
  const { OPENID, APPID, UNIONID } = cloud.getWXContext()
  if (!OPENID) return fail('NOT_LOGGED_IN', 'login must be called from the mini program')

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
      privacyConsentAt: null,
      role: 'user',
      status: 'active',
    }
    try {
      const { _id } = await users.add({ data: record })
      const created = new Date()
      return ok({ user: publicView({ ...record, _id: String(_id), createdAt: created, lastLoginAt: created } as UserRecord), isNew: true })
    } catch (e) {
      if (!isDuplicateKey(e)) throw e
      // a concurrent first login of this user created the record first: sign in to it instead
      const winner = await findUser(OPENID)
      if (!winner) throw e
      return await signIn(winner)
    }
  } catch (e) {
    console.error('login failed', e)
    return fail('UPSTREAM', 'the cloud database is unavailable, please try again')
  }

  async function findUser(openid: string): Promise<UserRecord | undefined> {
    const { data } = await users.where({ _openid: openid }).limit(1).get()
    return data[0] as UserRecord | undefined
  }

  async function signIn(user: UserRecord): Promise<Result<{ user: PublicUser; isNew: boolean }>> {
    if (user.status === 'banned') return fail('ACCOUNT_BANNED', 'this account has been suspended')
    const _ = db.command
    await users.doc(user._id).update({
      data: { lastLoginAt: db.serverDate(), loginCount: _.inc(1), ...(UNIONID ? { unionid: String(UNIONID) } : {}) },
    })
    return ok({ user: publicView({ ...user, lastLoginAt: new Date(), loginCount: user.loginCount + 1 }), isNew: false })
  }
}
