import { callbackApi, WxFail } from '../callback-api'
import type { ClientState } from '../state'
import { atLeast, BASE_LIBRARY } from '../../../../packages/contract/base-library'

const ANONYMOUS = {
  nickName: '微信用户',
  avatarUrl:
    'https://thirdwx.qlogo.cn/mmopen/vi_32/POgEwh4mIHO4nibH0KlMECNjjGxQUq24ZEaGT4poC6icRiccVGKSyXwibcPq4BWmiaIGuG1icwxaQX6grC9VemZoJ8rg/132',
  gender: 0,
  country: '',
  province: '',
  city: '',
  language: '',
}

export function authApis(state: ClientState) {
  const call = async (action: string, params: Record<string, unknown> = {}) => {
    const reply = await state.transport(action, params)
    if (!reply.ok) throw new WxFail(reply.errMsg, { errCode: reply.errCode })
    return reply
  }
  return {
    login: callbackApi('login', async () => ({ code: (await call('auth.login')).code })),
    checkSession: callbackApi('checkSession', async () => {
      const { valid } = await call('auth.checkSession')
      if (!valid) throw new WxFail('session time out, need relogin')
      return {}
    }),
    /** Real data before base library 2.27.1, the anonymous profile after (WeChat's 2022 rule change). */
    getUserProfile: callbackApi('getUserProfile', async (o: { desc?: string }) => {
      if (!atLeast(state.baseLibrary, BASE_LIBRARY.GET_USER_PROFILE_SINCE)) throw new WxFail('not supported')
      if (!o.desc) throw new WxFail('parameter error: desc is required')
      if (state.choices.getUserProfile === 'deny') throw new WxFail('auth deny')
      if (atLeast(state.baseLibrary, BASE_LIBRARY.ANONYMOUS_PROFILE_SINCE))
        return { userInfo: ANONYMOUS, rawData: JSON.stringify(ANONYMOUS) }
      const { userInfo } = await call('wechat.userInfo')
      return { userInfo, rawData: JSON.stringify(userInfo) }
    }),
    getSetting: callbackApi('getSetting', async () => ({ authSetting: Object.fromEntries(state.settings) })),
    authorize: callbackApi('authorize', async (o: { scope?: string }) => {
      const scope = String(o.scope ?? '')
      if (!scope.startsWith('scope.')) throw new WxFail('invalid scope')
      // once denied, WeChat does not ask again: the user must use openSetting
      if (state.settings.get(scope) === false) throw new WxFail('auth deny')
      if (state.settings.get(scope) === true) return {}
      const granted = (state.choices.scopes[scope] ?? 'allow') === 'allow'
      state.settings.set(scope, granted)
      if (!granted) throw new WxFail('auth deny')
      return {}
    }),
    openSetting: callbackApi('openSetting', async () => {
      // the simulated user flips every scope they now want to 'allow'
      for (const [scope, choice] of Object.entries(state.choices.scopes)) {
        if (state.settings.has(scope)) state.settings.set(scope, choice === 'allow')
      }
      return { authSetting: Object.fromEntries(state.settings) }
    }),
  }
}
