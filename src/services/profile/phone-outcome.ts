import { WeAuthError } from '../../../packages/contract/errors'
import type { PhoneProof } from '../backend'

/** The detail of the getphonenumber (or getrealtimephonenumber) button event. */
export interface PhoneNumberDetail {
  errMsg?: string
  errno?: number
  code?: string
  cloudID?: string
  encryptedData?: string
  iv?: string
}

/**
 * What the phone button's event means, as a proof to send or the error the user reads. The button's failures
 * (https://developers.weixin.qq.com/miniprogram/dev/framework/open-ability/getPhoneNumber.html):
 * - errno 1400001: the mini program's paid quota is used up ("该功能使用次数已达当前小程序上限") → PHONE_QUOTA;
 *   the team's hint goes to the log, never to the user;
 * - errno 104 / "privacy permission is not authorized": the privacy guide was refused → PRIVACY_REFUSED;
 * - "no permission": an account that may not use the component (personal or unverified) → PHONE_NO_PERMISSION;
 * - no phone bound to the WeChat account → PHONE_NONE (WeChat's wording is not documented; matched loosely);
 * - "user deny" / "cancel" → PHONE_DENIED; anything else → PHONE_UNAVAILABLE.
 */
export function phoneProofOf(detail: PhoneNumberDetail | undefined): PhoneProof {
  const errMsg = detail?.errMsg ?? ''
  if (detail && /:ok$/.test(errMsg)) {
    if (detail.code) return { code: detail.code }
    if (detail.cloudID || (detail.encryptedData && detail.iv))
      return { cloudId: detail.cloudID, encryptedData: detail.encryptedData, iv: detail.iv }
    throw new WeAuthError('UNSUPPORTED', '当前微信版本不支持手机号授权，请升级微信')
  }
  const errno = detail?.errno
  if (errno === 1400001 || /1400001|quota|上限/.test(errMsg)) {
    console.warn('getPhoneNumber errno 1400001: the phone-number quota is used up; top it up in the admin console')
    throw new WeAuthError('PHONE_QUOTA')
  }
  if (errno === 104 || /privacy/i.test(errMsg)) throw new WeAuthError('PRIVACY_REFUSED')
  if (/no permission|permission denied/i.test(errMsg)) throw new WeAuthError('PHONE_NO_PERMISSION')
  if (/no phone|not bind|未绑定/i.test(errMsg)) throw new WeAuthError('PHONE_NONE')
  if (/deny|cancel/i.test(errMsg) || !errMsg) throw new WeAuthError('PHONE_DENIED')
  throw new WeAuthError('PHONE_UNAVAILABLE')
}
