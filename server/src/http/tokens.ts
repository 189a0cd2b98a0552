import type { AppContext } from './context'
import { signAccessToken } from '../tokens/access-token'

/** The token part of a login or refresh reply: a short-lived access token and the session's next refresh token. */
export async function tokenReply(
  ctx: AppContext,
  userId: string,
  sessionId: string,
  refreshToken: string,
  refreshExpiresAt: Date,
  /** the mini program the session signed in with: the token's audience */
  appid: string = ctx.config.appid,
) {
  const iat = Math.floor(ctx.now() / 1000)
  const exp = iat + ctx.config.accessTokenTtlSeconds
  const accessToken = await signAccessToken(
    { sub: userId, sid: sessionId, aud: appid, iat, exp },
    ctx.config.signingKeys[0],
  )
  return {
    accessToken,
    tokenType: 'Bearer' as const,
    expiresIn: ctx.config.accessTokenTtlSeconds,
    expiresAt: new Date(exp * 1000).toISOString(),
    refreshToken,
    refreshExpiresAt: refreshExpiresAt.toISOString(),
  }
}
