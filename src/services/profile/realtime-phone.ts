import Taro from '@tarojs/taro'
import { atLeast, BASE_LIBRARY } from '../../../packages/contract/base-library'

/**
 * <button open-type="getRealtimePhoneNumber"> (手机号实时验证, base library 2.24.4+,
 * https://developers.weixin.qq.com/miniprogram/dev/framework/open-ability/getRealtimePhoneNumber.html): WeChat
 * verifies the number by SMS on the spot, for flows that need a freshly verified number (changing the bound
 * one). It yields a code exchanged exactly like the quick one. Older base libraries fall back to
 * open-type="getPhoneNumber". Cost: docs/privacy.md (¥0.04 per success against ¥0.03 for the quick check).
 */
export function realtimePhoneAvailable(): boolean {
  try {
    return atLeast(Taro.getAppBaseInfo().SDKVersion ?? '0.0.0', BASE_LIBRARY.REALTIME_PHONE_SINCE)
  } catch {
    return false
  }
}
