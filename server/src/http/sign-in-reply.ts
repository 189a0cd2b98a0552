import type { FastifyRequest } from 'fastify'
import type { SignInInput } from '../db/sign-in'
import { hashRefreshToken, newRefreshToken } from '../tokens/refresh-token'
import type { AppContext } from './context'
import { HttpError } from './http-error'
import { publicUser } from './public-user'
import { tokenReply } from './tokens'

/**
 * The end of every sign-in (/auth/login, /auth/phone-login): one write signs the WeChat identity in (db/sign-in.ts)
 * and opens a session with its first refresh token; the reply carries the public user and the tokens.
 */
export async function signInReply(
  ctx: AppContext,
  request: FastifyRequest,
  event: 'login' | 'phone-login',
  identity: Omit<SignInInput, 'now' | 'sessionExpiresAt' | 'refreshTokenHash'>,
) {
  const now = new Date(ctx.now())
  const refreshToken = newRefreshToken()
  const sessionExpiresAt = new Date(now.getTime() + ctx.config.refreshTokenTtlSeconds * 1000)
  const outcome = await ctx.store.login({
    ...identity,
    now,
    sessionExpiresAt,
    refreshTokenHash: hashRefreshToken(refreshToken),
  })
  if (!outcome.ok) throw new HttpError(403, 'ACCOUNT_BANNED')
  request.outcome = { event, userId: outcome.user.id, isNew: outcome.isNew }
  return {
    ok: true,
    user: publicUser(outcome.user),
    isNew: outcome.isNew,
    ...(await tokenReply(ctx, outcome.user.id, outcome.sessionId, refreshToken, sessionExpiresAt, identity.appid)),
  }
}
