import { createHash } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { ConsentVersion } from '../../../packages/contract/schemas'
import type { AppContext } from '../http/context'
import { HttpError, rateLimited, upstream } from '../http/http-error'
import { publicUser } from '../http/public-user'
import { tokenReply } from '../http/tokens'
import { check } from '../http/validate'
import { hashRefreshToken, newRefreshToken } from '../tokens/refresh-token'
import { WeChatUnavailable } from '../wechat-client'

const LoginBody = {
  type: 'object',
  required: ['code'],
  properties: {
    code: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,128}$' },
    consentVersion: { type: 'string', maxLength: 64 },
  },
} as const

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

const digest = (text: string) => createHash('sha256').update(text).digest('base64url').slice(0, 22)

/**
 * POST /auth/login {code, consentVersion?}: wx.login's code -> jscode2session -> one statement that upserts
 * the user, keeps the session_key and opens a session -> access + refresh token.
 * Limits: per IP (the route's rate limit), per code (a code is single use: repeating it only costs WeChat
 * calls), per WeChat user after the exchange.
 */
export function loginRoute(app: FastifyInstance, ctx: AppContext): void {
  app.post(
    '/auth/login',
    {
      schema: { body: LoginBody },
      config: { rateLimit: { max: ctx.config.limits.loginPerIp, timeWindow: ctx.config.limits.windowMs } },
    },
    async (request) => {
      const body = request.body as { code: string; consentVersion?: string }
      const consentVersion = body.consentVersion === undefined ? undefined : check(ConsentVersion, body.consentVersion)
      await ctx.limiter.take(`login-code:${digest(body.code)}`, 3)
      let session
      try {
        session = await ctx.wechat.code2Session(body.code)
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
      await ctx.limiter.take(`login-user:${digest(session.openid)}`, ctx.config.limits.loginPerUser)
      const now = new Date(ctx.now())
      const refreshToken = newRefreshToken()
      const sessionExpiresAt = new Date(now.getTime() + ctx.config.refreshTokenTtlSeconds * 1000)
      const outcome = await ctx.store.login({
        openid: session.openid,
        unionid: session.unionid,
        sessionKey: session.sessionKey,
        consentVersion,
        now,
        sessionExpiresAt,
        refreshTokenHash: hashRefreshToken(refreshToken),
      })
      if (!outcome.ok) throw new HttpError(403, 'ACCOUNT_BANNED')
      request.log.info({ event: 'login', userId: outcome.user.id, isNew: outcome.isNew })
      return {
        ok: true,
        user: publicUser(outcome.user),
        isNew: outcome.isNew,
        ...(await tokenReply(ctx, outcome.user.id, outcome.sessionId, refreshToken, sessionExpiresAt)),
      }
    },
  )
}
