import { createHash, createSecretKey, type KeyObject } from 'node:crypto'

/**
 * The HS256 keys access tokens are signed with. The first key signs; every key verifies, found by the
 * token's `kid`. Rolling a key: put the new one first and keep the old one listed for one access-token
 * lifetime, then drop it. Nobody is logged out: old tokens still verify until they expire, and refresh
 * tokens are not signed at all (they are random values the database knows).
 */
export interface SigningKey {
  kid: string
  /** made once at start: given raw bytes, jose would import them again for every token it signs or checks */
  secret: KeyObject
}

export const MIN_SECRET_LENGTH = 32

export class KeyConfigError extends Error {}

/** A key id derived from the secret, for a single WEAUTH_TOKEN_SECRET: stable, and reveals nothing of it. */
export const derivedKid = (secret: string) => createHash('sha256').update(secret).digest('base64url').slice(0, 8)

/**
 * Parses `kid:secret` entries separated by commas or whitespace (WEAUTH_TOKEN_KEYS), or one bare secret
 * (WEAUTH_TOKEN_SECRET). Secrets are at least 32 characters, made of more than a few distinct characters.
 */
export function parseSigningKeys(spec: string): SigningKey[] {
  const entries = spec.split(/[\s,]+/).filter(Boolean)
  if (entries.length === 0) throw new KeyConfigError('no signing key')
  const keys = entries.map((entry) => {
    const colon = entry.indexOf(':')
    const kid = colon > 0 ? entry.slice(0, colon) : derivedKid(entry)
    const secret = colon > 0 ? entry.slice(colon + 1) : entry
    if (!/^[A-Za-z0-9._-]{1,32}$/.test(kid))
      throw new KeyConfigError(`key id "${kid}" must be 1-32 of A-Z a-z 0-9 . _ -`)
    if (secret.length < MIN_SECRET_LENGTH)
      throw new KeyConfigError(`the key "${kid}" is shorter than ${MIN_SECRET_LENGTH} characters`)
    if (new Set(secret).size < 8) throw new KeyConfigError(`the key "${kid}" is too weak (too few distinct characters)`)
    return { kid, secret: createSecretKey(Buffer.from(secret, 'utf8')) }
  })
  if (new Set(keys.map((k) => k.kid)).size !== keys.length) throw new KeyConfigError('two keys share a key id')
  return keys
}
