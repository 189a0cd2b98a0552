import Taro from '@tarojs/taro'
import { atLeast, BASE_LIBRARY } from '../../../packages/contract/base-library'

/**
 * WeChat's privacy guide APIs (base library 2.32.3+,
 * https://developers.weixin.qq.com/miniprogram/dev/framework/user-privacy/PrivacyAuthorize.html):
 * - wx.getPrivacySetting: whether the user still has to agree (`needAuthorization`) and the name of the
 *   用户隐私保护指引 the team filled in the admin console (`privacyContractName`), shown in our sheet;
 * - wx.requirePrivacyAuthorize: asks before a privacy API is used (our sheet answers through
 *   onNeedPrivacyAuthorization); it fails when the user refuses;
 * - wx.openPrivacyContract: opens that guide.
 * On older base libraries none exist and privacy APIs run as before; these helpers then answer "agreed".
 */
function baseLibrary(): string {
  try {
    return Taro.getAppBaseInfo().SDKVersion ?? '0.0.0'
  } catch {
    return '0.0.0'
  }
}

export const hasPrivacyGuide = (): boolean =>
  atLeast(baseLibrary(), BASE_LIBRARY.REQUIRE_PRIVACY_AUTHORIZE_SINCE) &&
  typeof (Taro as { requirePrivacyAuthorize?: unknown }).requirePrivacyAuthorize === 'function'

/** The guide's name as the console has it, or our default when the API is missing or fails. */
export const DEFAULT_CONTRACT_NAME = '《WeAuth 隐私保护指引》'

export async function privacyContractName(): Promise<string> {
  if (typeof Taro.getPrivacySetting !== 'function') return DEFAULT_CONTRACT_NAME
  try {
    // Taro's typings declare the callback form only; the promise resolves with the setting
    const setting = (await (Taro.getPrivacySetting as (o: object) => Promise<unknown>)({})) as {
      privacyContractName?: string
    }
    return setting?.privacyContractName || DEFAULT_CONTRACT_NAME
  } catch {
    return DEFAULT_CONTRACT_NAME
  }
}

/**
 * Asks for the privacy guide before the nickname, avatar or phone is used: true when agreed (or when this base
 * library has no privacy guide), false when the user refused. Never throws.
 */
export async function requirePrivacy(): Promise<boolean> {
  if (!hasPrivacyGuide()) return true
  try {
    await (Taro.requirePrivacyAuthorize as (o: object) => Promise<unknown>)({})
    return true
  } catch {
    return false
  }
}

export function openPrivacyContract(): void {
  if (typeof Taro.openPrivacyContract === 'function')
    Promise.resolve((Taro.openPrivacyContract as (o: object) => unknown)({})).catch(() => undefined)
  else Taro.navigateTo({ url: '/pages/privacy/index' })
}
