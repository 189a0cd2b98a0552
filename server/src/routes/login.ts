import type { FastifyInstance } from 'fastify'
import * as v from 'valibot'
import { PRIVACY_POLICY_VERSION } from '../../../packages/contract/privacy-policy'
import type { AppContext } from '../http/context'
import { exchangeLoginCode } from '../http/login-code'
import { miniProgramOf } from '../http/mini-program'
import { signInReply } from '../http/sign-in-reply'
import { check } from '../http/validate'

const LoginBody = {
  type: 'object',
  required: ['code'],
  properties: {
    code: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,128}$' },
    consentVersion: { type: 'string', maxLength: 64 },
    appid: { type: 'string', pattern: '^wx[0-9a-f]{16}$' },
  },
} as const

/**
 * `consentVersion` is sent only by the authorization page's tap, for the version it showed; a silent re-login
 * sends nothing, and the reply's `user.consentVersion` tells the app whether to ask again. A version other than
 * the current one is refused, as the cloud's login refuses it: a page cannot accept a policy the server does not show.
 */
export const ConsentGiven = v.literal(PRIVACY_POLICY_VERSION, '隐私政策已更新，请重新阅读后同意')

/**
 * POST /auth/login {code, consentVersion?, appid?}: wx.login's code -> jscode2session as that mini program ->
 * the account of this identity (or of the person's unionid, or a new one: db/sign-in.ts), the session_key kept,
 * a session opened -> access + refresh token. Limits: per IP (the route's rate limit), per code, per WeChat user.
 */
export function loginRoute(app: FastifyInstance, ctx: AppContext): void {
  app.post(
    '/auth/login',
    {
      schema: { body: LoginBody },
      config: { rateLimit: { max: ctx.config.limits.loginPerIp, timeWindow: ctx.config.limits.windowMs } },
    },
    async (request) => {
      const body = request.body as { code: string; consentVersion?: string; appid?: string }
      const consentVersion =
        body.consentVersion === undefined
          ? undefined
          : check(v.object({ consentVersion: ConsentGiven }), body).consentVersion
      const appid = miniProgramOf(ctx, request, body.appid)
      const session = await exchangeLoginCode(ctx, request, appid, body.code)
      return signInReply(ctx, request, 'login', {
        appid,
        openid: session.openid,
        unionid: session.unionid,
        sessionKey: session.sessionKey,
        consentVersion,
      })
    },
  )
}
