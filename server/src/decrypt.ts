import { createDecipheriv, createHash, timingSafeEqual } from 'node:crypto'

/**
 * WeChat open data (开放数据校验与解密): `encryptedData` is AES-128-CBC with PKCS#7 padding, keyed by the
 * user's `session_key`, with a `watermark` {appid, timestamp} inside; `rawData` comes with
 * `signature = sha1(rawData + session_key)`.
 *
 * Every failure (malformed base64, wrong key, bad padding, not JSON, foreign appid, stale or future
 * timestamp, bad signature) throws the same OpenDataError with the same message: callers learn nothing
 * about which check failed, so the endpoint is no padding or key oracle.
 */
export class OpenDataError extends Error {
  readonly code = 'OPEN_DATA_INVALID'
  constructor() {
    super('invalid open data')
    this.name = 'OpenDataError'
  }
}

/** How old a watermark may be by default: open data is fresh from the client, not something to replay later. */
export const DEFAULT_MAX_AGE_SECONDS = 10 * 60
/** How far a watermark may be ahead of the server's clock (clock skew). */
export const MAX_FUTURE_SKEW_SECONDS = 5 * 60
const MAX_ENCRYPTED_BYTES = 64 * 1024

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/

/** Standard, canonical base64 only (what WeChat emits); anything else is rejected rather than guessed at. */
function base64(value: unknown, exactBytes?: number): Buffer {
  if (
    typeof value !== 'string' ||
    value.length === 0 ||
    value.length % 4 !== 0 ||
    value.length > MAX_ENCRYPTED_BYTES * 2
  )
    throw new OpenDataError()
  if (!BASE64.test(value)) throw new OpenDataError()
  const bytes = Buffer.from(value, 'base64')
  if (bytes.toString('base64') !== value) throw new OpenDataError()
  if (exactBytes !== undefined && bytes.length !== exactBytes) throw new OpenDataError()
  return bytes
}

export interface Watermark {
  appid: string
  timestamp: number
}

export interface DecryptOptions {
  encryptedData: unknown
  iv: unknown
  /** the user's session_key from jscode2session, base64 (16 bytes) */
  sessionKey: string
  /** this mini program's appid: the watermark must name it */
  appid: string
  /** ms since epoch; defaults to Date.now() */
  now?: number
  maxAgeSeconds?: number
}

/** Decrypts and checks one open-data payload; returns the JSON object (watermark included). */
export function decryptData<T extends Record<string, unknown> = Record<string, unknown>>(
  options: DecryptOptions,
): T & { watermark: Watermark } {
  const key = base64(options.sessionKey, 16)
  const iv = base64(options.iv, 16)
  const data = base64(options.encryptedData)
  if (data.length === 0 || data.length % 16 !== 0) throw new OpenDataError()

  let plain: Buffer
  try {
    const decipher = createDecipheriv('aes-128-cbc', key, iv)
    decipher.setAutoPadding(false)
    plain = Buffer.concat([decipher.update(data), decipher.final()])
  } catch {
    throw new OpenDataError()
  }
  // PKCS#7: the last byte n (1..16) says how many bytes of value n end the block
  const n = plain[plain.length - 1]
  if (!(n >= 1 && n <= 16) || n > plain.length) throw new OpenDataError()
  for (let i = plain.length - n; i < plain.length; i++) if (plain[i] !== n) throw new OpenDataError()

  let parsed: unknown
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(plain.subarray(0, plain.length - n)))
  } catch {
    throw new OpenDataError()
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new OpenDataError()
  const watermark = (parsed as { watermark?: unknown }).watermark as Partial<Watermark> | undefined
  if (!watermark || typeof watermark !== 'object') throw new OpenDataError()
  if (typeof watermark.appid !== 'string' || watermark.appid !== options.appid) throw new OpenDataError()
  const ts = watermark.timestamp
  if (typeof ts !== 'number' || !Number.isInteger(ts) || ts <= 0) throw new OpenDataError()
  const nowSeconds = Math.floor((options.now ?? Date.now()) / 1000)
  const maxAge = options.maxAgeSeconds ?? DEFAULT_MAX_AGE_SECONDS
  if (ts > nowSeconds + MAX_FUTURE_SKEW_SECONDS || nowSeconds - ts > maxAge) throw new OpenDataError()
  return parsed as T & { watermark: Watermark }
}

/** sha1(rawData + session_key), hex: the signature WeChat attaches to rawData. */
export function signRawData(rawData: string, sessionKey: string): string {
  return createHash('sha1')
    .update(rawData + sessionKey, 'utf8')
    .digest('hex')
}

/** Checks `signature` over `rawData` and returns rawData parsed; throws OpenDataError on any mismatch. */
export function verifyRawData<T extends Record<string, unknown> = Record<string, unknown>>(
  rawData: unknown,
  signature: unknown,
  sessionKey: string,
): T {
  if (typeof rawData !== 'string' || rawData.length === 0 || rawData.length > MAX_ENCRYPTED_BYTES)
    throw new OpenDataError()
  if (typeof signature !== 'string' || !/^[0-9a-f]{40}$/i.test(signature)) throw new OpenDataError()
  const expected = Buffer.from(signRawData(rawData, sessionKey), 'hex')
  if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) throw new OpenDataError()
  let parsed: unknown
  try {
    parsed = JSON.parse(rawData)
  } catch {
    throw new OpenDataError()
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new OpenDataError()
  return parsed as T
}
