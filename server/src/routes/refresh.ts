import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../http/context'
import { HttpError, unauthorized } from '../http/http-error'
import { publicUser } from '../http/public-user'
import { tokenReply } from '../http/tokens'
import { hashRefreshToken, newRefreshToken } from '../tokens/refresh-token'

const RefreshBody = {
  type: 'object',
  required: ['refreshToken'],
  properties: { refreshToken: { type: 'string', minLength: 1, maxLength: 256 } },
} as const

/**
 * POST /auth/refresh {refreshToken}: spends the refresh token and answers a new access token and the next
 * refresh token of the same session. A spent token presented again revokes the session (reuse detection);
 * every refusal is the same 401 NOT_LOGGED_IN, counted against the IP like a refused access token.
 */
export function refreshRoute(app: FastifyInstance, ctx: AppContext): void {
  app.post(
    '/auth/refresh',
    {
      schema: { body: RefreshBody },
      config: { rateLimit: { max: ctx.config.limits.loginPerIp, timeWindow: ctx.config.limits.windowMs } },
    },
    async (request) => {
      const { refreshToken } = request.body as { refreshToken: string }
      const next = newRefreshToken()
      const outcome = await ctx.store.rotateRefreshToken(
        hashRefreshToken(refreshToken),
        hashRefreshToken(next),
        new Date(ctx.now()),
      )
      if (!outcome.ok) {
        request.log.warn({ event: 'refresh.refused', reason: outcome.reason })
        if (outcome.reason === 'banned') throw new HttpError(403, 'ACCOUNT_BANNED')
        ctx.limiter.take(`auth-failure:${request.ip}`, ctx.config.limits.authFailuresPerIp)
        throw unauthorized('NOT_LOGGED_IN')
      }
      return {
        ok: true,
        user: publicUser(outcome.user),
        ...(await tokenReply(
          ctx,
          outcome.user.id,
          outcome.sessionId,
          next,
          outcome.expiresAt,
          outcome.appid ?? undefined,
        )),
      }
    },
  )
}
