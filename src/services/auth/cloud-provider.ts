import Taro from '@tarojs/taro'
import { isErrorCode, WeAuthError } from '../../../packages/contract/errors'
import { LOGIN_TIMEOUT_MESSAGE, withLoginTimeout } from './login-errors'
import type { User } from './types'
import type { ConsentGiven } from '../backend/backend'

interface LoginReply {
  ok: boolean
  user?: User
  code?: string
  message?: string
}

/**
 * wx.login refreshes the WeChat session (so wx.checkSession passes next launch); the login function signs in.
 * `consent` is sent only from the authorization page's tap; a silent re-login sends none, and the reply's
 * `user.consentVersion` says whether the policy must be shown again.
 */
export async function loginWithCloud(consent?: ConsentGiven): Promise<User> {
  const attempt = async (): Promise<User> => {
    try {
      await Taro.login()
    } catch {
      throw new WeAuthError('NETWORK')
    }
    let reply: LoginReply
    try {
      const res = await Taro.cloud.callFunction({
        name: 'login',
        data: consent ? { consentVersion: consent.consentVersion } : {},
      })
      reply = res.result as LoginReply
    } catch (e) {
      const errMsg = String((e as { errMsg?: string })?.errMsg ?? e)
      // the function's own time limit is a backend failure (retried) that the user reads as a timeout
      throw new WeAuthError('UPSTREAM', /timed out|timeout/i.test(errMsg) ? LOGIN_TIMEOUT_MESSAGE : undefined)
    }
    if (!reply || typeof reply !== 'object') throw new WeAuthError('UPSTREAM')
    if (reply.ok && reply.user) return reply.user
    throw new WeAuthError(isErrorCode(reply.code) ? reply.code : 'UPSTREAM')
  }
  return withLoginTimeout(attempt())
}
