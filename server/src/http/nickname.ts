import type { FastifyRequest } from 'fastify'
import { checkNickName } from '../../../packages/contract/nickname'
import { WeChatUnavailable } from '../wechat-client'
import type { AppContext, Identity } from './context'
import { HttpError, rateLimited, upstream } from './http-error'

/**
 * A nickname as the cloud's updateProfile takes it: the contract's rules first (packages/contract/nickname.ts:
 * NFC, no control / zero-width / bidi / filler characters, 20 graphemes and 64 code units), each refusal with its
 * own code and Chinese message (400 NICKNAME_*); then, when it differs from the stored one, WeChat's content
 * check as the signed-in user (msgSecCheck v2, scene 1 = 资料): anything but `pass` (`risky`, `review`) is
 * 400 RISKY_CONTENT. https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/sec-center/sec-check/msgSecCheck.html
 */
export async function acceptableNickName(
  ctx: AppContext,
  request: FastifyRequest,
  identity: Identity,
  typed: unknown,
  stored: string,
): Promise<string> {
  const checked = checkNickName(typed)
  if ('problem' in checked) throw new HttpError(400, checked.problem)
  if (checked.value === stored) return checked.value
  let verdict
  try {
    verdict = await ctx.wechatFor(identity.appid).checkText(identity.openid, checked.value)
  } catch (e) {
    if (e instanceof WeChatUnavailable) throw upstream()
    throw e
  }
  if (!verdict.ok) {
    request.log.warn({ event: 'msg_sec_check.error', errcode: verdict.errcode })
    if (verdict.errcode === 45011 || verdict.errcode === 45009) throw rateLimited(60)
    throw upstream()
  }
  if (verdict.suggest !== 'pass') {
    request.log.info({ event: 'nickname.refused', suggest: verdict.suggest })
    throw new HttpError(400, 'RISKY_CONTENT')
  }
  return checked.value
}
