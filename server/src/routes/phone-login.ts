import type { FastifyInstance } from 'fastify'
import * as v from 'valibot'
import type { AppContext } from '../http/context'
import { HttpError } from '../http/http-error'
import { exchangeLoginCode } from '../http/login-code'
import { miniProgramOf } from '../http/mini-program'
import { exchangePhoneCode } from '../http/phone-exchange'
import { publicUser } from '../http/public-user'
import { tokenReply } from '../http/tokens'
import { check } from '../http/validate'
import { hashRefreshToken, newRefreshToken } from '../tokens/refresh-token'
import { ConsentGiven } from './login'

const PhoneLoginBody = {
  type: 'object',
  required: ['code', 'phoneCode', 'consentVersion'],
  properties: {
    code: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,128}$' },
    phoneCode: { type: 'string', minLength: 1, maxLength: 256 },
    consentVersion: { type: 'string', maxLength: 64 },
    appid: { type: 'string', pattern: '^wx[0-9a-f]{16}$' },
  },
} as const

/**
 * POST /auth/phone-login {code, phoneCode, consentVersion, appid?}: 手机号快捷登录, as the cloud's phoneLogin.
 * wx.login's code → jscode2session (who is calling), then the phone button's code → the number, asked of WeChat
 * with that caller's openid (a victim's code is refused), then ONE write signs in and stores the number (and the
 * consent the person just gave on the authorization page, which is why it is required here): either both land
 * or neither does. A refused phone code writes nothing at all. Never retried by the app: the phone code is single use.
 */
export function phoneLoginRoute(app: FastifyInstance, ctx: AppContext): void {
  app.post(
    '/auth/phone-login',
    {
      schema: { body: PhoneLoginBody },
      config: { rateLimit: { max: ctx.config.limits.loginPerIp, timeWindow: ctx.config.limits.windowMs } },
    },
    async (request) => {
      const body = request.body as { code: string; phoneCode: string; consentVersion: string; appid?: string }
      const { consentVersion } = check(v.object({ consentVersion: ConsentGiven }), body)
      const appid = miniProgramOf(ctx, request, body.appid)
      const session = await exchangeLoginCode(ctx, request, appid, body.code)
      await ctx.limiter.take(`write-openid:${session.openid}`, ctx.config.limits.writesPerUser)
      const phone = await exchangePhoneCode(ctx, request, { appid, openid: session.openid }, body.phoneCode)
      const now = new Date(ctx.now())
      const refreshToken = newRefreshToken()
      const sessionExpiresAt = new Date(now.getTime() + ctx.config.refreshTokenTtlSeconds * 1000)
      const outcome = await ctx.store.login({
        appid,
        openid: session.openid,
        unionid: session.unionid,
        sessionKey: session.sessionKey,
        consentVersion,
        phone,
        now,
        sessionExpiresAt,
        refreshTokenHash: hashRefreshToken(refreshToken),
      })
      if (!outcome.ok) throw new HttpError(403, 'ACCOUNT_BANNED')
      request.log.info({ event: 'phone-login', userId: outcome.user.id, isNew: outcome.isNew })
      return {
        ok: true,
        user: publicUser(outcome.user),
        isNew: outcome.isNew,
        ...(await tokenReply(ctx, outcome.user.id, outcome.sessionId, refreshToken, sessionExpiresAt, appid)),
      }
    },
  )
}
