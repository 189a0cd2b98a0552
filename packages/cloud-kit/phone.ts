import { cloud } from './cloud'
import { fail, type Fail } from '../contract/result'
import type { ErrorCode } from '../contract/errors'
import { TEAM_HINTS } from '../contract/team-hints'

/**
 * Turns what the phone button gave the page into the number, server-side, bound to the caller:
 * - a dynamic code (base library 2.21.2+): phonenumber.getPhoneNumber with the caller's `openid`, so WeChat
 *   refuses a code that another user's button produced ("openid: 填入后会校验 openid 和 code 的绑定关系",
 *   https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/user-info/phone-number/getPhoneNumber.html);
 * - a CloudID (older base libraries): cloud.getOpenData, which resolves only the caller's own CloudIDs
 *   (https://developers.weixin.qq.com/miniprogram/dev/wxcloud/reference-sdk-api/open/Cloud.getOpenData.html).
 */
export type PhoneInput = { code: string } | { cloudId: string }
export type Phone = { phoneNumber: string; countryCode: string } | { error: Fail }

/** getPhoneNumber's documented errcodes, each with what the user is told. */
const PHONE_ERRCODES: Record<number, ErrorCode> = {
  // an unknown, expired, already used or someone else's code: WeChat answers 40029 for each
  40029: 'PHONE_CODE_INVALID',
  // "api minute-quota reach limit": too many calls this minute
  45011: 'RATE_LIMITED',
  // the paid quota of the phone-number component is used up (also errno 1400001 on the button)
  1400001: 'PHONE_QUOTA',
}

export async function resolvePhone(input: PhoneInput, openid: string): Promise<Phone> {
  if ('cloudId' in input) {
    let data: { phoneNumber?: string; purePhoneNumber?: string; countryCode?: string } | undefined
    try {
      const { list } = (await cloud.getOpenData({ list: [input.cloudId] })) as {
        list: Array<{ data?: { phoneNumber?: string; purePhoneNumber?: string; countryCode?: string } }>
      }
      data = list?.[0]?.data
    } catch (e) {
      const code = (e as { errCode?: number })?.errCode
      // -601005 invalid / spent / someone else's CloudID, -601006 expired
      if (code === -601005 || code === -601006) return { error: fail('PHONE_CODE_INVALID') }
      throw e
    }
    if (!data?.phoneNumber) return { error: fail('PHONE_CODE_INVALID') }
    return {
      phoneNumber: String(data.purePhoneNumber ?? data.phoneNumber),
      countryCode: String(data.countryCode ?? '86'),
    }
  }
  try {
    const res = (await cloud.openapi.phonenumber.getPhoneNumber({ code: input.code, openid })) as {
      phoneInfo?: { phoneNumber?: string; purePhoneNumber?: string; countryCode?: string | number }
    }
    const info = res.phoneInfo
    if (!info?.purePhoneNumber && !info?.phoneNumber) return { error: fail('PHONE_UNAVAILABLE') }
    return {
      phoneNumber: String(info.purePhoneNumber ?? info.phoneNumber),
      countryCode: String(info.countryCode ?? '86'),
    }
  } catch (e) {
    const errCode = (e as { errCode?: number })?.errCode ?? 0
    const known = PHONE_ERRCODES[errCode]
    if (!known) throw e
    const hint = TEAM_HINTS[known]
    if (hint) console.warn(hint)
    return { error: fail(known) }
  }
}
