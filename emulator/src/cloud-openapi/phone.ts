import { randomBytes } from 'node:crypto'
import { invalidParam } from '../core/errors'
import { phoneInfo } from './phone-info'
import { hint, wxErrmsg } from './replies'

/**
 * phonenumber.getPhoneNumber: exchanges the dynamic code of <button open-type="getPhoneNumber"> for the number.
 * https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/user-info/phone-number/getPhoneNumber.html
 * "每个 code 只能使用一次，code 的有效期为 5min"; errcodes documented there: -1, 40029 (code 无效), 45011, 40013.
 * A reused or expired code is 40029 too: the docs list no separate errcode, and WeChat's staff name "code 过期 /
 * code 重复使用" as causes of 40029 (developers.weixin.qq.com/community/develop/doc/000e04685a82e817ef714f7c760800).
 */
export const PHONE_CODE_TTL_MS = 5 * 60 * 1000

interface PhoneCode {
  openid: string
  phoneNumber: string
  countryCode: string
  issuedAt: number
  used: boolean
}

export class PhoneCodes {
  private codes = new Map<string, PhoneCode>()

  constructor(
    private readonly now: () => number,
    private readonly appid: string,
  ) {}

  /** What the button yields once the user agrees: 64 hex characters, like WeChat's. */
  issue(openid: string, phone: { phoneNumber: string; countryCode: string }): string {
    if (typeof openid !== 'string' || !openid) throw invalidParam('issuePhoneCode: openid must be a non-empty string')
    if (typeof phone?.phoneNumber !== 'string' || !/^\d{4,20}$/.test(phone.phoneNumber))
      throw invalidParam('issuePhoneCode: phoneNumber must be 4-20 digits, without country code')
    if (typeof phone.countryCode !== 'string' || !/^\d{1,4}$/.test(phone.countryCode))
      throw invalidParam('issuePhoneCode: countryCode must be 1-4 digits')
    this.sweep()
    const code = randomBytes(32).toString('hex')
    this.codes.set(code, {
      openid,
      phoneNumber: phone.phoneNumber,
      countryCode: phone.countryCode,
      issuedAt: this.now(),
      used: false,
    })
    return code
  }

  /** The API's JSON answer for these parameters (snake_case, as sent). */
  redeem(data: Record<string, unknown>): Record<string, unknown> {
    const { code, openid } = data
    if (code === undefined || code === '') return { errcode: 41008, errmsg: wxErrmsg('missing code') }
    if (typeof code !== 'string') return { errcode: 47001, errmsg: wxErrmsg('data format error') }
    const entry = this.codes.get(code)
    const invalid = { errcode: 40029, errmsg: wxErrmsg(`invalid code ${hint()}`) }
    if (!entry || entry.used || entry.issuedAt + PHONE_CODE_TTL_MS <= this.now()) return invalid
    // "openid: 填入后会校验 openid 和 code 的绑定关系"; a mismatch is reported as an invalid code (errcode not documented)
    if (openid !== undefined && openid !== entry.openid) return invalid
    entry.used = true
    return {
      errcode: 0,
      errmsg: 'ok',
      phone_info: phoneInfo(entry.phoneNumber, entry.countryCode, {
        timestamp: Math.floor(entry.issuedAt / 1000),
        appid: this.appid,
      }),
    }
  }

  clear(): void {
    this.codes.clear()
  }

  // used and expired codes answer 40029 just like unknown ones, so they need not be kept
  private sweep(): void {
    const now = this.now()
    for (const [code, entry] of this.codes)
      if (entry.used || entry.issuedAt + PHONE_CODE_TTL_MS <= now) this.codes.delete(code)
  }
}
