import type { FastifyRequest } from 'fastify'
import { TokenError, verifyAccessToken } from '../tokens/access-token'
import type { UserRecord } from '../db/store'
import type { AccessClaims } from '../tokens/access-token'
import type { AppContext, Identity } from './context'
import { HttpError, unauthorized } from './http-error'

const BEARER = /^Bearer ([A-Za-z0-9._-]{1,2048})$/i

/**
 * The preHandler of every route that needs a login: a valid access token (signature, kid, iss, aud, exp)
 * whose session is neither revoked nor expired, of a user that exists and is not banned. Refused tokens
 * count against the client's IP: past the limit it gets 429 instead of 401, which makes guessing useless.
 */
export function authenticator(ctx: AppContext) {
  const refuse = (request: FastifyRequest, code: 'NOT_LOGGED_IN' | 'TOKEN_EXPIRED') => {
    ctx.limiter.take(`auth-failure:${request.ip}`, ctx.config.limits.authFailuresPerIp)
    return unauthorized(code)
  }
  return async function authenticate(request: FastifyRequest): Promise<void> {
    const match = BEARER.exec(String(request.headers.authorization ?? ''))
    if (!match) throw unauthorized('NOT_LOGGED_IN') // no credential at all is not a guess: not counted
    let claims: AccessClaims
    try {
      claims = await verifyAccessToken(match[1], ctx.config.signingKeys, {
        audience: ctx.config.apps.map((a) => a.appid),
        now: ctx.now(),
      })
    } catch (e) {
      throw refuse(request, e instanceof TokenError && e.reason === 'expired' ? 'TOKEN_EXPIRED' : 'NOT_LOGGED_IN')
    }
    const session = await ctx.store.session(claims.sid)
    if (!session || session.user.id !== claims.sub) throw refuse(request, 'NOT_LOGGED_IN')
    // a token is good only for the mini program its session signed in with
    if (session.appid && session.appid !== claims.aud) throw refuse(request, 'NOT_LOGGED_IN')
    if (session.user.status === 'banned') throw new HttpError(403, 'ACCOUNT_BANNED')
    if (session.revokedAt || session.expiresAt.getTime() <= ctx.now()) throw refuse(request, 'NOT_LOGGED_IN')
    request.auth = {
      claims,
      user: session.user as UserRecord,
      identity: { appid: session.appid ?? ctx.config.appid, openid: session.openid ?? session.user.openid },
    }
  }
}

/** The signed-in user of a route behind authenticate. */
export function authOf(request: FastifyRequest): { claims: AccessClaims; user: UserRecord; identity: Identity } {
  if (!request.auth) throw new Error('route is missing the authenticate preHandler')
  return request.auth
}
