/**
 * The base-library versions WeChat's behaviour switches on, for the app and the simulated client alike.
 * - getUserProfile: added in 2.10.4; anonymous ("微信用户", grey avatar) from 2.27.1
 *   (「小程序用户头像昵称获取规则调整公告」, https://developers.weixin.qq.com/community/develop/doc/00022c683e8a80b29bed2142b56c01)
 * - the phone button yields a dynamic code from 2.21.2, a CloudID/encryptedData before
 *   (https://developers.weixin.qq.com/miniprogram/dev/framework/open-ability/getPhoneNumber.html)
 * - the privacy guide APIs (onNeedPrivacyAuthorization, requirePrivacyAuthorize, getPrivacySetting) from 2.32.3
 *   (https://developers.weixin.qq.com/miniprogram/dev/framework/user-privacy/PrivacyAuthorize.html,
 *   https://developers.weixin.qq.com/miniprogram/dev/api/open-api/privacy/wx.requirePrivacyAuthorize.html);
 *   wx.openPrivacyContract from 2.32.3 as well
 *   (https://developers.weixin.qq.com/miniprogram/dev/api/open-api/privacy/wx.openPrivacyContract.html)
 * - <button open-type="getRealtimePhoneNumber"> (real-time phone verification) from 2.24.4
 *   (https://developers.weixin.qq.com/miniprogram/dev/framework/open-ability/getRealtimePhoneNumber.html)
 * - <input type="nickname"> bindnicknamereview from 3.1.0 (the nickname input itself from 2.21.2)
 *   (https://developers.weixin.qq.com/miniprogram/dev/framework/open-ability/userProfile.html,
 *   https://developers.weixin.qq.com/miniprogram/dev/component/input.html)
 */
export const BASE_LIBRARY = {
  GET_USER_PROFILE_SINCE: '2.10.4',
  ANONYMOUS_PROFILE_SINCE: '2.27.1',
  PHONE_CODE_SINCE: '2.21.2',
  PRIVACY_GUIDE_SINCE: '2.32.3',
  REQUIRE_PRIVACY_AUTHORIZE_SINCE: '2.32.3',
  REALTIME_PHONE_SINCE: '2.24.4',
  NICKNAME_INPUT_SINCE: '2.21.2',
  NICKNAME_REVIEW_SINCE: '3.1.0',
} as const

/** Compares base library versions ('2.27.1' < '3.0.0'); a missing or non-numeric part counts as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((n) => parseInt(n, 10) || 0)
  const pb = b.split('.').map((n) => parseInt(n, 10) || 0)
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0)
    if (d !== 0) return d < 0 ? -1 : 1
  }
  return 0
}

export const atLeast = (version: string, since: string): boolean => compareVersions(version, since) >= 0
