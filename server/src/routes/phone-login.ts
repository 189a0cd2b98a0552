import type { FastifyInstance } from 'fastify'
import * as v from 'valibot'
import type { AppContext } from '../http/context'
import { exchangeLoginCode } from '../http/login-code'
import { miniProgramOf } from '../http/mini-program'
import { signInReply } from '../http/sign-in-reply'
import { exchangePhoneCode } from '../http/phone-exchange'
import { check } from '../http/validate'
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
      ctx.limiter.take(`write-openid:${session.openid}`, ctx.config.limits.writesPerUser)
      const phone = await exchangePhoneCode(ctx, request, { appid, openid: session.openid }, body.phoneCode)
      return signInReply(ctx, request, 'phone-login', {
        appid,
        openid: session.openid,
        unionid: session.unionid,
        sessionKey: session.sessionKey,
        consentVersion,
        phone,
      })
    },
  )
}
