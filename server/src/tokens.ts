import { createHmac, timingSafeEqual } from 'node:crypto'

/**
 * Access tokens: compact JWTs signed with HMAC-SHA256 (RFC 7519 / 7515), built on node:crypto alone so the
 * server has no token library to keep patched. Any JWT library (PyJWT, System.IdentityModel.Tokens.Jwt,
 * jjwt) verifies them with the same secret; see server/openapi.yaml.
 *
 * Only `alg: HS256` is accepted (no `none`, no algorithm switching); the signature is compared in constant
 * time; `exp` is mandatory. The `sid` claim names the server-side session so logout can revoke a token
 * before it expires.
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
const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url')
const MAX_TOKEN_LENGTH = 2048
/** a token issued this far in the future is not ours (clock skew allowance) */
const MAX_IAT_SKEW_SECONDS = 60

const mac = (secret: Buffer, input: string) => createHmac('sha256', secret).update(input).digest()

export function signAccessToken(claims: AccessClaims, secret: Buffer): string {
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url')
  const input = `${HEADER}.${payload}`
  return `${input}.${mac(secret, input).toString('base64url')}`
}

export function verifyAccessToken(
  token: unknown,
  secret: Buffer,
  expected: { audience: string; issuer?: string; now?: number },
): AccessClaims {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) throw new TokenError('invalid')
  const parts = token.split('.')
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]+$/.test(p))) throw new TokenError('invalid')
  const [header, payload, signature] = parts
  const given = Buffer.from(signature, 'base64url')
  const wanted = mac(secret, `${header}.${payload}`)
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) throw new TokenError('invalid')

  let head: { alg?: unknown }
  let claims: Partial<AccessClaims>
  try {
    head = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'))
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
  } catch {
    throw new TokenError('invalid')
  }
  if (head?.alg !== 'HS256') throw new TokenError('invalid')
  if (!claims || typeof claims !== 'object') throw new TokenError('invalid')
  const { sub, sid, iss, aud, iat, exp } = claims
  if (typeof sub !== 'string' || !sub || typeof sid !== 'string' || !sid) throw new TokenError('invalid')
  if (iss !== (expected.issuer ?? TOKEN_ISSUER) || aud !== expected.audience) throw new TokenError('invalid')
  if (!Number.isInteger(iat) || !Number.isInteger(exp) || (exp as number) <= (iat as number))
    throw new TokenError('invalid')
  const now = Math.floor((expected.now ?? Date.now()) / 1000)
  if ((iat as number) > now + MAX_IAT_SKEW_SECONDS) throw new TokenError('invalid')
  if (now >= (exp as number)) throw new TokenError('expired')
  return { sub, sid, iss, aud, iat: iat as number, exp: exp as number }
}
