import { WxFail } from '../callback-api'
import type { ClientState } from '../state'
import { atLeast, BASE_LIBRARY } from '../../../../packages/contract/base-library'

/**
 * What WeChat does when the user taps a button with a privacy-gated open-type: first the privacy guide
 * (onNeedPrivacyAuthorization) if not yet agreed, then its own dialog, then the button's event detail.
 * The harness and the playground call these and dispatch the result on the button.
 */
export function openTypes(state: ClientState, ensureAgreed: (referrer: string) => Promise<void>) {
  const agreed = (referrer: string) =>
    ensureAgreed(referrer).then(
      () => true,
      () => false,
    )
  return {
    /** detail for `bindchooseavatar`, or null when nothing is chosen (WeChat fires no event then) */
    async chooseAvatar(
      bytes: Uint8Array = new Uint8Array([0x89, 0x50, 0x4e, 0x47]),
    ): Promise<{ avatarUrl: string } | null> {
      if (!(await agreed('chooseAvatar'))) return null
      if (state.choices.chooseAvatar === 'cancel') return null
      const avatarUrl = `http://tmp/weauth_avatar_${state.tempFiles.size + 1}_${Date.now()}.png`
      state.tempFiles.set(avatarUrl, bytes)
      return { avatarUrl }
    },
    /**
     * detail for `bindgetphonenumber`: a dynamic `code` on base library 2.21.2+, a `cloudID` (resolved by
     * cloud.getOpenData in a function) before it
     */
    async getPhoneNumber(
      api: 'getPhoneNumber' | 'getRealtimePhoneNumber' = 'getPhoneNumber',
    ): Promise<{ errMsg: string; code?: string; cloudID?: string; errno?: number }> {
      if (!(await agreed(api))) return { errMsg: `${api}:fail privacy permission is not authorized`, errno: 104 }
      const outcome = state.choices.phoneNumber
      if (outcome === 'deny') return { errMsg: `${api}:fail user deny` }
      // errno 1400001 "该功能使用次数已达当前小程序上限，暂时无法使用" (documented on the getPhoneNumber page)
      if (outcome === 'quota') return { errMsg: `${api}:fail no quota`, errno: 1400001 }
      // personal or unverified mini programs: the docs list the ability as unavailable, errMsg not given
      if (outcome === 'noPermission') return { errMsg: `${api}:fail no permission` }
      // WeChat asks the user to bind a phone first; the wording of a give-up is not documented
      if (outcome === 'noPhone') return { errMsg: `${api}:fail user has no phone number bound` }
      if (api === 'getRealtimePhoneNumber') {
        // real-time verification (2.24.4+) yields a code only, exchanged the same way
        const reply = await state.transport('wechat.getPhoneNumberCode', {})
        if (!reply.ok) throw new WxFail(reply.errMsg)
        return { errMsg: `${api}:ok`, code: reply.code as string }
      }
      if (!atLeast(state.baseLibrary, BASE_LIBRARY.PHONE_CODE_SINCE)) {
        const reply = await state.transport('wechat.getPhoneNumberCloudId', {})
        if (!reply.ok) throw new WxFail(reply.errMsg)
        return { errMsg: 'getPhoneNumber:ok', cloudID: reply.cloudID as string }
      }
      const reply = await state.transport('wechat.getPhoneNumberCode', {})
      if (!reply.ok) throw new WxFail(reply.errMsg)
      return { errMsg: 'getPhoneNumber:ok', code: reply.code as string }
    },
  }
}
