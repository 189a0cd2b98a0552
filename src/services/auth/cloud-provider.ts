import Taro from '@tarojs/taro'
import { PRIVACY_POLICY_VERSION } from '../../config/privacy'
import { LOGIN_MESSAGES as MESSAGES, withLoginTimeout } from './login-errors'
import { AuthError, type User } from './types'

interface LoginReply {
  ok: boolean
  user?: User
  code?: string
  message?: string
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
  return withLoginTimeout(attempt())
}
