import { WxFail } from '../callback-api'
import type { ClientState } from '../state'
import { atLeast, BASE_LIBRARY } from '../../../../packages/contract/base-library'

/** What the avatar picker hands over by default: a real image (a 1×1 PNG), as WeChat's temp file always is. */
// prettier-ignore
const PICKED_AVATAR = new Uint8Array([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x01,
  0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41,
  0x54, 0x78, 0xda, 0x63, 0x64, 0xf8, 0xcf, 0x50, 0x0f, 0x00, 0x03, 0x86, 0x01, 0x80, 0x5a, 0x34, 0x7d, 0x6b, 0x00, 0x00,
  0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
])

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
    async chooseAvatar(bytes: Uint8Array = PICKED_AVATAR): Promise<{ avatarUrl: string } | null> {
      if (!(await agreed('chooseAvatar'))) return null
      if (state.choices.chooseAvatar === 'cancel') return null
      const avatarUrl = `http://tmp/weauth_avatar_${state.tempFiles.size + 1}_${Date.now()}.png`
      state.tempFiles.set(avatarUrl, bytes)
      return { avatarUrl }
    },
    /**
     * detail for `bindgetphonenumber`: a dynamic `code` on base library 2.21.2+; before it `encryptedData`/`iv`
     * and a `cloudID` (resolved by cloud.getOpenData in a function)
     */
    async getPhoneNumber(api: 'getPhoneNumber' | 'getRealtimePhoneNumber' = 'getPhoneNumber'): Promise<{
      errMsg: string
      code?: string
      cloudID?: string
      encryptedData?: string
      iv?: string
      errno?: number
    }> {
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
        // encryptedData/iv sealed with the session_key, and the CloudID (2.7.0+) for cloud functions
        const sealed =
          typeof reply.encryptedData === 'string' ? { encryptedData: reply.encryptedData, iv: reply.iv as string } : {}
        return { errMsg: 'getPhoneNumber:ok', cloudID: reply.cloudID as string, ...sealed }
      }
      const reply = await state.transport('wechat.getPhoneNumberCode', {})
      if (!reply.ok) throw new WxFail(reply.errMsg)
      return { errMsg: 'getPhoneNumber:ok', code: reply.code as string }
    },
  }
}
