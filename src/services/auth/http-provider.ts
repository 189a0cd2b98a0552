import Taro from '@tarojs/taro'
import { AUTH_SERVER_URL } from '../../config/auth'
import { PRIVACY_POLICY_VERSION } from '../../config/privacy'
import { isErrorCode, WeAuthError } from '../../../packages/contract/errors'
import { LOGIN_TIMEOUT_MESSAGE, LOGIN_TIMEOUT_MS, withLoginTimeout } from './login-errors'
import type { AuthProvider } from './provider'
import { clearToken, readToken, writeToken } from './token-store'
import type { User } from './types'

/**
 * The classic flow with your own backend (server/openapi.yaml): wx.login -> POST /auth/login {code} ->
 * the server calls jscode2session, keeps the session_key, and answers the same user view the cloud function
 * does plus an access token, which later calls send as `Authorization: Bearer <token>`.
 * The client never sees openid or session_key and never decrypts anything.
 */

/** The reply shape of every endpoint (same as the cloud functions'). */
type Reply = { ok: true; [key: string]: unknown } | { ok: false; code: string; message: string }

interface LoginReply {
  ok: true
  user: User
  accessToken: string
  expiresAt: string
}

/** a login code WeChat refused (expired, or spent by an earlier attempt): one more wx.login fixes it */
const STALE_CODE = new Set(['WECHAT_CODE_INVALID', 'WECHAT_CODE_USED'])

export const isAuthServerFailure = (e: unknown, ...codes: string[]) =>
  e instanceof WeAuthError && codes.includes(e.code)

function toError(status: number, reply: Reply | null): WeAuthError {
  if (!reply || reply.ok) return new WeAuthError('UPSTREAM')
  if (isErrorCode(reply.code)) return new WeAuthError(reply.code)
  return new WeAuthError(status >= 500 ? 'UPSTREAM' : 'INTERNAL')
}

/** One request to the login server; resolves with the `ok: true` body or rejects with a WeAuthError. */
export async function requestAuthServer<T extends object>(
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  data?: Record<string, unknown>,
  token?: string | null,
): Promise<{ ok: true } & T> {
  let res: Taro.request.SuccessCallbackResult<Record<string, unknown> | string>
  try {
    res = await Taro.request({
      url: `${AUTH_SERVER_URL}${path}`,
      method,
      data,
      header: { 'content-type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      dataType: 'json',
      timeout: LOGIN_TIMEOUT_MS,
    })
  } catch (e) {
    const timedOut = /timeout/i.test(String((e as { errMsg?: string })?.errMsg ?? e))
    throw timedOut ? new WeAuthError('TIMEOUT', LOGIN_TIMEOUT_MESSAGE) : new WeAuthError('NETWORK')
  }
  const reply = res.data && typeof res.data === 'object' ? (res.data as Reply) : null
  if (res.statusCode >= 200 && res.statusCode < 300 && reply?.ok) return reply as { ok: true } & T
  throw toError(res.statusCode, reply)
}

async function loginOnce(): Promise<User> {
  let code: string
  try {
    code = (await Taro.login()).code
  } catch {
    throw new WeAuthError('NETWORK')
  }
  const reply = await requestAuthServer<LoginReply>('POST', '/auth/login', {
    code,
    consentVersion: PRIVACY_POLICY_VERSION,
  })
  const expiresAt = Date.parse(reply.expiresAt)
  if (!reply.user || typeof reply.accessToken !== 'string' || !Number.isFinite(expiresAt)) {
    throw new WeAuthError('UPSTREAM')
  }
  writeToken(reply.accessToken, expiresAt)
  return reply.user
}

/** Signs in against the login server; a refused (stale or spent) code is retried once with a fresh wx.login. */
export function loginWithHttp(): Promise<User> {
  const attempt = loginOnce().catch((e: unknown) => {
    if (isAuthServerFailure(e, ...STALE_CODE)) return loginOnce()
    throw e
  })
  return withLoginTimeout(attempt)
}

/**
 * A call that needs the login state: sends the stored token; when the server says it expired or is unknown,
 * `renew` signs in again (AuthService.login, single-flight) and the call is repeated once.
 */
export async function authorizedRequest<T extends object>(
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  data: Record<string, unknown> | undefined,
  renew: () => Promise<unknown>,
): Promise<{ ok: true } & T> {
  const token = readToken()
  if (token) {
    try {
      return await requestAuthServer<T>(method, path, data, token)
    } catch (e) {
      if (!isAuthServerFailure(e, 'TOKEN_EXPIRED', 'NOT_LOGGED_IN')) throw e
    }
  }
  await renew()
  return requestAuthServer<T>(method, path, data, readToken())
}

export const httpProvider: AuthProvider = {
  name: 'http',
  signIn: loginWithHttp,
  hasCredential: () => readToken() !== null,
  signOut: () => {
    const token = readToken()
    clearToken()
    // revoke the server-side session too; the device forgets the token whatever the answer
    if (token) requestAuthServer('POST', '/auth/logout', undefined, token).catch(() => undefined)
  },
}
