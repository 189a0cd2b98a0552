import Taro from '@tarojs/taro'

/**
 * wx.getUserProfile returned the real nickname and avatar from base library 2.10.4 until 2.27.0; from 2.27.1
 * it returns the anonymous "微信用户" and a grey avatar, so the avatar/nickname fill-in is used instead.
 * Source: WeChat announcement 「小程序用户头像昵称获取规则调整公告」 (2022) and the getUserProfile API page.
 */
export const GET_USER_PROFILE_SINCE = '2.10.4'
export const ANONYMOUS_PROFILE_SINCE = '2.27.1'

export interface LegacyProfile {
  nickName: string
  avatarUrl: string
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((n) => parseInt(n, 10) || 0)
  const pb = b.split('.').map((n) => parseInt(n, 10) || 0)
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0)
    if (d !== 0) return d < 0 ? -1 : 1
  }
  return 0
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
  return compareVersions(version, GET_USER_PROFILE_SINCE) >= 0 && compareVersions(version, ANONYMOUS_PROFILE_SINCE) < 0
}

/**
 * Must be called synchronously inside a tap handler (WeChat refuses it otherwise). Resolves to the real
 * profile, or null when the base library only gives the anonymous one or the user declines.
 */
export function requestLegacyProfile(): Promise<LegacyProfile | null> {
  if (!legacyProfileAvailable()) return Promise.resolve(null)
  return Taro.getUserProfile({ desc: '用于完善会员资料' }).then(
    ({ userInfo }) => (userInfo.nickName && userInfo.nickName !== '微信用户' ? { nickName: userInfo.nickName, avatarUrl: userInfo.avatarUrl } : null),
    () => null,
  )
}
