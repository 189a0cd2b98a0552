import Taro from '@tarojs/taro'
import { PRIVACY_POLICY_VERSION } from '../../config/privacy'
import { AuthError, type User } from './types'

/** How long the page waits for the login round trip before offering a retry (the function's own limit is 3 s). */
export const LOGIN_TIMEOUT_MS = 10_000

interface LoginReply {
  ok: boolean
  user?: User
  code?: string
  message?: string
}

const MESSAGES: Record<string, string> = {
  ACCOUNT_BANNED: '该账号已被停用，如有疑问请联系客服',
  UPSTREAM: '服务暂时不可用，请稍后重试',
  NETWORK: '网络异常，请检查网络后重试',
  TIMEOUT: '登录超时，请重试',
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new AuthError(MESSAGES.TIMEOUT, 'TIMEOUT', true)), ms)
    promise.then(
      (v) => {
        clearTimeout(timer)
        resolve(v)
      },
      (e) => {
        clearTimeout(timer)
        reject(e)
      },
    )
  })
}

/**
 * wx.login refreshes the WeChat session (so wx.checkSession passes next launch); the login function signs in.
 * Only reachable after the user accepted the privacy policy (the authorization page, or a cached session that did).
 */
export async function loginWithCloud(): Promise<User> {
  const attempt = async (): Promise<User> => {
    try {
      await Taro.login()
    } catch {
      throw new AuthError(MESSAGES.NETWORK, 'NETWORK', true)
    }
    let reply: LoginReply
    try {
      const res = await Taro.cloud.callFunction({ name: 'login', data: { consentVersion: PRIVACY_POLICY_VERSION } })
      reply = res.result as LoginReply
    } catch (e) {
      const errMsg = String((e as { errMsg?: string })?.errMsg ?? e)
      throw new AuthError(/timed out|timeout/i.test(errMsg) ? MESSAGES.TIMEOUT : MESSAGES.UPSTREAM, 'UPSTREAM', true)
    }
    if (!reply || typeof reply !== 'object') throw new AuthError(MESSAGES.UPSTREAM, 'UPSTREAM', true)
    if (reply.ok && reply.user) return reply.user
    const code = reply.code ?? 'UPSTREAM'
    throw new AuthError(MESSAGES[code] ?? reply.message ?? MESSAGES.UPSTREAM, code, code !== 'ACCOUNT_BANNED')
  }
  return withTimeout(attempt(), LOGIN_TIMEOUT_MS)
}
