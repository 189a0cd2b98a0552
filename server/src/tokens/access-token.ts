import { randomText } from './random-text'
import { errors, jwtVerify, SignJWT, type JWTPayload } from 'jose'
import type { SigningKey } from './signing-keys'

/**
 * Access tokens: short-lived JWTs (RFC 7519) signed HS256 with the current key of the key set, through
 * `jose`. Only HS256 is accepted (no `none`, no algorithm switching), `kid` picks the key, and `exp`, `iss`,
 * `aud` are checked. The `sid` claim names the server-side session, so logout, ban, deletion and refresh-token
 * reuse end a token before it expires.
 */
export interface AccessClaims {
  /** the user id */
  sub: string
  /** the login session id (revocable) */
  sid: string
  iss: string
  /** the mini program's appid */
  aud: string
  /** seconds since epoch */
  iat: number
  exp: number
}

export type TokenFailure = 'invalid' | 'expired'

export class TokenError extends Error {
  constructor(readonly reason: TokenFailure) {
    super(reason === 'expired' ? 'the access token has expired' : 'the access token is invalid')
    this.name = 'TokenError'
  }
}

export const TOKEN_ISSUER = 'weauth'
const MAX_TOKEN_LENGTH = 2048
/** a token issued this far in the future is not ours (clock skew allowance) */
const MAX_IAT_SKEW_SECONDS = 60

export async function signAccessToken(
  claims: { sub: string; sid: string; aud: string; iat: number; exp: number },
  key: SigningKey,
): Promise<string> {
  // a random jti (RFC 7519 4.1.7) makes every token unique: two issued in the same second for one session (a
  // refresh right after sign-in) are still different tokens
  return new SignJWT({ sid: claims.sid })
    .setJti(randomText(12, 'base64url'))
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: key.kid })
    .setSubject(claims.sub)
    .setIssuer(TOKEN_ISSUER)
    .setAudience(claims.aud)
    .setIssuedAt(claims.iat)
    .setExpirationTime(claims.exp)
    .sign(key.secret)
}

export async function verifyAccessToken(
  token: unknown,
  keys: readonly SigningKey[],
  /** the appid the token must be for, or the appids of every mini program this server serves */
  expected: { audience: string | readonly string[]; now?: number },
): Promise<AccessClaims> {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) throw new TokenError('invalid')
  const now = expected.now ?? Date.now()
  let payload: JWTPayload
  try {
    ;({ payload } = await jwtVerify(
      token,
      (header) => {
        const key = keys.find((k) => k.kid === header.kid)
        if (!key) throw new TokenError('invalid')
        return key.secret
      },
      {
        algorithms: ['HS256'],
        issuer: TOKEN_ISSUER,
        audience: typeof expected.audience === 'string' ? expected.audience : [...expected.audience],
        currentDate: new Date(now),
        requiredClaims: ['sub', 'sid', 'iat', 'exp'],
      },
    ))
  } catch (e) {
    if (e instanceof errors.JWTExpired) throw new TokenError('expired')
    throw new TokenError('invalid')
  }
  const { sub, sid, iat, exp, aud } = payload as JWTPayload & { sid?: unknown }
  // one audience per token: the mini program it was issued to
  if (typeof aud !== 'string') throw new TokenError('invalid')
  if (typeof sub !== 'string' || !sub || typeof sid !== 'string' || !sid) throw new TokenError('invalid')
  if (!Number.isInteger(iat) || !Number.isInteger(exp) || (exp as number) <= (iat as number))
    throw new TokenError('invalid')
  if ((iat as number) > Math.floor(now / 1000) + MAX_IAT_SKEW_SECONDS) throw new TokenError('invalid')
  return { sub, sid, iss: TOKEN_ISSUER, aud, iat: iat as number, exp: exp as number }
}
