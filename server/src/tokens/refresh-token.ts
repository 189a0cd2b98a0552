import { createHash } from 'node:crypto'
import { randomText } from './random-text'

/**
 * Refresh tokens are 256 random bits; the database keeps only their SHA-256, so a leaked table holds no
 * usable token. They rotate: each use spends the token and returns the next one (db/store.ts).
 */
export const newRefreshToken = () => randomText(32, 'base64url')

export const hashRefreshToken = (token: string) => createHash('sha256').update(token).digest('hex')

export const REFRESH_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/
