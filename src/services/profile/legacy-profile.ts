import Taro from '@tarojs/taro'
import { atLeast, BASE_LIBRARY } from '../../../packages/contract/base-library'

/**
 * wx.getUserProfile returned the real nickname and avatar from base library 2.10.4 until 2.27.0; from 2.27.1
 * it returns the anonymous "微信用户" and a grey avatar, so the avatar/nickname fill-in is used instead.
 * Source: WeChat announcement 「小程序用户头像昵称获取规则调整公告」 (2022) and the getUserProfile API page.
 */

export interface LegacyProfile {
  nickName: string
  avatarUrl: string
}

function baseLibraryVersion(): string {
  try {
    return Taro.getAppBaseInfo().SDKVersion ?? '0.0.0'
  } catch {
    return '0.0.0'
  }
}

/** Whether getUserProfile can still give real data here. */
export function legacyProfileAvailable(version = baseLibraryVersion()): boolean {
  return (
    atLeast(version, BASE_LIBRARY.GET_USER_PROFILE_SINCE) && !atLeast(version, BASE_LIBRARY.ANONYMOUS_PROFILE_SINCE)
  )
}

/**
 * Must be called synchronously inside a tap handler (WeChat refuses it otherwise). Resolves to the real
 * profile, or null when the base library only gives the anonymous one or the user declines.
 */
export function requestLegacyProfile(): Promise<LegacyProfile | null> {
  if (!legacyProfileAvailable()) return Promise.resolve(null)
  return Taro.getUserProfile({ desc: '用于完善会员资料' }).then(
    ({ userInfo }) =>
      userInfo.nickName && userInfo.nickName !== '微信用户'
        ? { nickName: userInfo.nickName, avatarUrl: userInfo.avatarUrl }
        : null,
    () => null,
  )
}
