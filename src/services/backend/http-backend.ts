import Taro from '@tarojs/taro'
import { PRIVACY_POLICY_VERSION } from '../../config/privacy'
import { WeAuthError } from '../../../packages/contract/errors'
import { withLoginTimeout } from '../auth/login-errors'
import { clearToken, readRefreshToken, readToken, writeCredentials, type Credentials } from '../auth/token-store'
import type { User } from '../auth/types'
import type { Backend, ConsentGiven, DeletedAccount, Unlinked } from './backend'
import { isServerFailure, requestServer, uploadToServer, type Method } from './http-request'

/**
 * Your own server (the classic flow, server/openapi.yaml): wx.login -> POST /auth/login {code}; the server
 * calls jscode2session, keeps the session_key and answers the public user view with a short-lived access
 * token and a rotating refresh token. Later calls send `Authorization: Bearer <accessToken>`; an expired
 * access token is renewed with the refresh token, and when that is gone too, with a fresh wx.login.
 * The client never sees openid or session_key and never decrypts anything.
 */

interface TokenReply {
  accessToken: string
  expiresAt: string
  refreshToken?: string
  refreshExpiresAt?: string
}

interface LoginReply extends TokenReply {
  user: User
}

/** a login code WeChat refused (expired, or spent by an earlier attempt): one more wx.login fixes it */
const STALE_CODE = ['WECHAT_CODE_INVALID', 'WECHAT_CODE_USED']
/** the server no longer accepts the credential: renew it and repeat the call once */
const CREDENTIAL_REFUSED = ['TOKEN_EXPIRED', 'NOT_LOGGED_IN']

function keep(reply: TokenReply): void {
  const expiresAt = Date.parse(reply.expiresAt)
  if (typeof reply.accessToken !== 'string' || !Number.isFinite(expiresAt)) throw new WeAuthError('UPSTREAM')
  const credentials: Credentials = { token: reply.accessToken, expiresAt }
  const refreshExpiresAt = Date.parse(reply.refreshExpiresAt ?? '')
  if (typeof reply.refreshToken === 'string' && Number.isFinite(refreshExpiresAt)) {
    credentials.refreshToken = reply.refreshToken
    credentials.refreshExpiresAt = refreshExpiresAt
  }
  writeCredentials(credentials)
}

async function loginOnce(consent?: ConsentGiven): Promise<User> {
  let code: string
  try {
    code = (await Taro.login()).code
  } catch {
    throw new WeAuthError('NETWORK')
  }
  // consent only from the authorization page's tap: a silent re-login never records it
  const reply = await requestServer<LoginReply>('POST', '/auth/login', {
    code,
    ...(consent ? { consentVersion: consent.consentVersion } : {}),
  })
  if (!reply.user) throw new WeAuthError('UPSTREAM')
  keep(reply)
  return reply.user
}

/** Signs in against the server; a refused (stale or spent) code is retried once with a fresh wx.login. */
function signIn(consent?: ConsentGiven): Promise<User> {
  const attempt = loginOnce(consent).catch((e: unknown) => {
    if (isServerFailure(e, ...STALE_CODE)) return loginOnce(consent)
    throw e
  })
  return withLoginTimeout(attempt)
}

let renewing: Promise<void> | null = null

/**
 * New credentials, single-flight: the refresh token when there is one (it rotates: the old one is spent),
 * else, or when the server refuses it, a fresh sign-in with wx.login.
 */
function renew(): Promise<void> {
  renewing ??= (async () => {
    const refreshToken = readRefreshToken()
    if (refreshToken) {
      try {
        keep(await requestServer<TokenReply>('POST', '/auth/refresh', { refreshToken }))
        return
      } catch (e) {
        if (!isServerFailure(e, ...CREDENTIAL_REFUSED)) throw e
        clearToken()
      }
    }
    await signIn()
  })().finally(() => {
    renewing = null
  })
  return renewing
}

/** A call that needs the login state: renews the credential once when the server refuses it. */
async function authorized<T>(call: (token: string | null) => Promise<T>): Promise<T> {
  if (!readToken()) await renew()
  try {
    return await call(readToken())
  } catch (e) {
    if (!isServerFailure(e, ...CREDENTIAL_REFUSED)) throw e
  }
  await renew()
  return call(readToken())
}

const request = <T extends object>(method: Method, path: string, data?: Record<string, unknown>) =>
  authorized((token) => requestServer<T>(method, path, data, token))

export const httpBackend: Backend = {
  name: 'http',
  signIn,
  hasCredential: () => readToken() !== null || readRefreshToken() !== null,
  signOut: () => {
    const token = readToken()
    clearToken()
    // revoke the server-side session too; the device forgets the token whatever the answer
    if (token) requestServer('POST', '/auth/logout', undefined, token).catch(() => undefined)
  },

  /**
   * Nickname and avatar in one request, so the server checks and stores them in one transaction (a refused
   * nickname leaves no uploaded file behind): multipart through wx.uploadFile when there is a new avatar.
   */
  async saveProfile(_user, changes) {
    const fields: Record<string, string> = {}
    if (changes.nickName !== undefined) fields.nickName = changes.nickName
    const { avatarTempPath } = changes
    const reply = avatarTempPath
      ? await authorized((token) =>
          uploadToServer<{ user: User }>('/auth/profile', { name: 'avatar', filePath: avatarTempPath }, fields, token),
        )
      : await request<{ user: User }>('POST', '/auth/profile', fields)
    return reply.user
  },

  async bindPhone(proof) {
    let body: Record<string, string>
    if ('code' in proof) body = { code: proof.code }
    else if (proof.encryptedData && proof.iv) body = { encryptedData: proof.encryptedData, iv: proof.iv }
    else throw new WeAuthError('UNSUPPORTED', '当前微信版本不支持手机号授权，请升级微信')
    return (await request<{ user: User }>('POST', '/auth/phone', body)).user
  },

  async deleteAccount(): Promise<DeletedAccount> {
    const { deleted } = await request<{ deleted: Partial<DeletedAccount> & { users: number } }>('DELETE', '/auth/me')
    // the server ended every session of the account: nothing left to revoke
    clearToken()
    return {
      users: deleted.users,
      files: deleted.files ?? [],
      removed: deleted.removed ?? ['账号记录', '登录会话'],
      at: deleted.at ?? new Date().toISOString(),
    }
  },

  async consent(action) {
    const body = action === 'accept' ? { action, version: PRIVACY_POLICY_VERSION } : { action }
    return (await request<{ user: User }>('POST', '/auth/consent', body)).user
  },

  // POST /auth/unlink (server/src/routes/unlink.ts) answers as the cloud's unlinkApp; a failure is not retried (the page asks again)
  unlink: {
    async linkedApps() {
      return (await request<{ apps: number }>('POST', '/auth/unlink', { action: 'preview' })).apps
    },
    async confirm() {
      const { unlinked } = await request<{ unlinked: Unlinked }>('POST', '/auth/unlink', {
        action: 'unlink',
        confirm: true,
      })
      // the server ended this app's sessions (or, the last app, the account's): nothing left to revoke
      clearToken()
      return unlinked
    },
  },

  /** POST /auth/phone-login {code, consentVersion}: wx.login's code and the phone code, one server transaction */
  async phoneLogin(proof, consent) {
    if (!('code' in proof)) throw new WeAuthError('UNSUPPORTED', '当前微信版本不支持手机号快捷登录，请升级微信')
    let code: string
    try {
      code = (await Taro.login()).code
    } catch {
      throw new WeAuthError('NETWORK')
    }
    const reply = await requestServer<LoginReply>('POST', '/auth/phone-login', {
      code,
      phoneCode: proof.code,
      consentVersion: consent.consentVersion,
    })
    if (!reply.user) throw new WeAuthError('UPSTREAM')
    keep(reply)
    return reply.user
  },
}
