import type { FastifyRequest } from 'fastify'
import { OpenDataError } from '../decrypt'
import type { UserRecord } from '../db/store'
import { WeChatUnavailable } from '../wechat-client'
import type { AppContext, Identity } from './context'
import { HttpError, upstream } from './http-error'

/**
 * Runs a decrypt/verify step with the user's latest session_key, after WeChat confirmed (wxa/checksession)
 * that the key is still the user's current one. Every failure is the same 400 OPEN_DATA_INVALID, so the
 * endpoint tells nothing about which check failed.
 */
export async function withSessionKey<T>(
  ctx: AppContext,
  request: FastifyRequest,
  user: UserRecord,
  identity: Identity,
  run: (sessionKey: string) => T,
): Promise<T> {
  const refused = () => {
    request.log.info({ event: 'open-data.rejected', userId: user.id })
    return new HttpError(400, 'OPEN_DATA_INVALID', '数据校验失败，请重试')
  }
  const sessionKey = await ctx.store.sessionKeyOf(identity.openid)
  if (!sessionKey) throw refused()
  let current: boolean
  try {
    current = await ctx.wechatFor(identity.appid).checkSessionKey(identity.openid, sessionKey)
  } catch (e) {
    if (e instanceof WeChatUnavailable) throw upstream()
    throw e
  }
  if (!current) throw refused()
  try {
    return run(sessionKey)
  } catch (e) {
    if (e instanceof OpenDataError) throw refused()
    throw e
  }
}
