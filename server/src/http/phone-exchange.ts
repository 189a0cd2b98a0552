import type { FastifyRequest } from 'fastify'
import { TEAM_HINTS } from '../../../packages/contract/team-hints'
import { NO_PHONE_INFO, WeChatUnavailable } from '../wechat-client'
import type { AppContext, Identity } from './context'
import { HttpError, rateLimited, upstream } from './http-error'

/**
 * The phone button's dynamic code → the number, asked of WeChat as the caller (their openid goes with the code,
 * so a code from someone else's button is refused: "填入后会校验 openid 和 code 的绑定关系",
 * https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/user-info/phone-number/getPhoneNumber.html).
 * WeChat's errcodes map to the contract's codes exactly as the cloud functions map them
 * (packages/cloud-kit/phone.ts): 40029 (unknown, expired, used or another user's code) → PHONE_CODE_INVALID,
 * 45011 → RATE_LIMITED, 1400001 (paid quota used up) → PHONE_QUOTA with a hint for the team in the log, an
 * answer without a number → PHONE_UNAVAILABLE. The button's own refusals (user declined, no permission for
 * this account, no phone on the WeChat account) never reach a server: the page maps them (PHONE_DENIED,
 * PHONE_NO_PERMISSION, PHONE_NONE).
 */
export async function exchangePhoneCode(
  ctx: AppContext,
  request: FastifyRequest,
  identity: Identity,
  code: string,
): Promise<{ phoneNumber: string; countryCode: string }> {
  let result
  try {
    result = await ctx.wechatFor(identity.appid).getPhoneNumber(code, identity.openid)
  } catch (e) {
    if (e instanceof WeChatUnavailable) throw upstream()
    throw e
  }
  if (result.ok) return { phoneNumber: result.purePhoneNumber, countryCode: result.countryCode }
  request.log.info({ event: 'getuserphonenumber.error', errcode: result.errcode })
  switch (result.errcode) {
    case 40029:
    case 40163:
      throw new HttpError(400, 'PHONE_CODE_INVALID')
    case 45011:
    case 45009:
      throw rateLimited(60)
    case 1400001:
      request.log.warn({
        event: 'phone.quota',
        hint: TEAM_HINTS.PHONE_QUOTA,
      })
      throw new HttpError(429, 'PHONE_QUOTA', undefined, { 'retry-after': '3600' })
    case NO_PHONE_INFO:
      throw new HttpError(502, 'PHONE_UNAVAILABLE')
    default:
      throw upstream()
  }
}
