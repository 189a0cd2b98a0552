import { createHash } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import { WeChatUnavailable, type Code2SessionResult } from '../wechat-client'
import type { AppContext } from './context'
import { HttpError, rateLimited, upstream } from './http-error'

/** WeChat's jscode2session errcodes, as the contract answers them (docs/classic-backend.md). */
function refusal(errcode: number): HttpError {
  switch (errcode) {
    case 40029:
      return new HttpError(400, 'WECHAT_CODE_INVALID')
    case 40163:
      return new HttpError(400, 'WECHAT_CODE_USED')
    case 45011:
      // WeChat's own minute quota (100 per user): said as it is, with the minute it asks us to wait
      return rateLimited(60)
    case 40226:
      return new HttpError(403, 'RISKY_USER')
    case -1:
      return upstream()
    default:
      // 40013 invalid appid, 40125 invalid appsecret, 41002/41004/41008 missing: this server is misconfigured
      return new HttpError(500, 'INTERNAL', '登录服务配置错误')
  }
}

export const digest = (text: string) => createHash('sha256').update(text).digest('base64url').slice(0, 22)

/**
 * wx.login's code → jscode2session as the mini program `appid`. Limits: per code (a code is single use:
 * repeating it only costs WeChat calls) and per WeChat user after the exchange.
 */
export async function exchangeLoginCode(
  ctx: AppContext,
  request: FastifyRequest,
  appid: string,
  code: string,
): Promise<Extract<Code2SessionResult, { ok: true }>> {
  ctx.limiter.take(`login-code:${digest(code)}`, 3)
  let session: Code2SessionResult
  try {
    session = await ctx.wechatFor(appid).code2Session(code)
  } catch (e) {
    if (e instanceof WeChatUnavailable) {
      request.log.warn({ event: 'jscode2session.unavailable', reason: e.message })
      throw upstream()
    }
    throw e
  }
  if (!session.ok) {
    request.log.info({ event: 'jscode2session.error', errcode: session.errcode })
    throw refusal(session.errcode)
  }
  ctx.limiter.take(`login-user:${digest(session.openid)}`, ctx.config.limits.loginPerUser)
  return session
}
