import type { IncomingMessage } from 'node:http'
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import { parse as parseUrl } from 'node:url'
import { Signer, SortedKeyValue } from '@cloudbase/signature-nodejs'
import { CloudError } from '../core/errors'
import type { FunctionCredentials } from '../functions/credentials'

/**
 * Checks an /admin request's TC3-HMAC-SHA256 signature the way TCB does: recomputed over the signed headers, the
 * URL, the signed parameters and X-Timestamp, with the secret key the emulator issued to the function. A request
 * signed with any other key, altered after signing, or older than the SDK's own X-Signature-Expires (600 s) is
 * refused. Returns the name of the function the credential belongs to.
 *
 * The canonical request is the one the signer @cloudbase/node-sdk itself uses (@cloudbase/signature-nodejs 2.2.0,
 * `Signer.tc3sign`) writes, step for step. Two of its steps are done here rather than by calling the library, as it
 * costs an /admin request more than the request's own work otherwise: the signing key, which tc3sign derives (three
 * HMACs) on every call, depends on the secret, the date and the service alone, so it is derived once per date and
 * kept, as TC3 allows (https://cloud.tencent.com/document/api/213/30654); and the key/value formatting
 * (`Signer.formatKeyAndValue`, `Signer.calcParamsHash`) skips the URL-encoding of names it leaves unchanged and
 * formats only the signed parameters. Sorting and names that do need encoding still go through the library's own
 * helpers; conformance/guard.test.ts signs with the library and checks both agree.
 */
const AUTHORIZATION =
  /^TC3-HMAC-SHA256 Credential=([^/\s]+)\/(\d{4}-\d{2}-\d{2})\/([a-z0-9_-]+)\/tc3_request,(?: SignedParams=([^,]*),)? SignedHeaders=([a-z0-9;_-]+), Signature=([0-9a-f]{64})$/
export const SIGNATURE_MAX_AGE_S = 600
const ALGORITHM = 'TC3-HMAC-SHA256'

export function verifiedFunction(
  credentials: FunctionCredentials,
  req: IncomingMessage,
  params: Record<string, unknown>,
): string {
  const refuse = (why: string) => new CloudError('INVALID_REQUEST_SOURCE', `request signature refused: ${why}`)
  const header = req.headers.authorization
  const m = typeof header === 'string' ? AUTHORIZATION.exec(header) : null
  if (!m) throw refuse('not a TC3-HMAC-SHA256 authorization issued to a cloud function')
  const [, secretId, , service, signedParams, signedHeaders, signature] = m
  const issued = credentials.lookup(secretId)
  if (!issued) throw refuse('the credential was not issued by this emulator')
  const timestamp = Number(req.headers['x-timestamp'])
  if (!Number.isInteger(timestamp) || Math.abs(Date.now() / 1000 - timestamp) > SIGNATURE_MAX_AGE_S)
    throw refuse('X-Timestamp is missing or outside the signature lifetime')
  const headers: Record<string, string> = {}
  for (const name of signedHeaders.split(';')) {
    const value = req.headers[name]
    if (typeof value !== 'string') throw refuse(`signed header ${name} is missing or repeated`)
    headers[name] = value
  }
  let request: CanonicalRequest
  try {
    request = canonicalRequest(`http://${req.headers.host ?? ''}${req.url ?? '/'}`, headers, params, signedParams)
  } catch (e) {
    throw refuse((e as Error).message)
  }
  const key = signingKey(issued.secretKey, dateOf(timestamp), service)
  const given = Buffer.from(signature, 'utf8')
  // the SDK signs with the method in lower case ('post'), which Node sends upper case: both are POSTs
  const method = req.method ?? 'POST'
  for (const verb of new Set([method.toLowerCase(), method])) {
    const expected = Buffer.from(sign(key, request.text(verb), timestamp, service), 'utf8')
    if (expected.length === given.length && timingSafeEqual(expected, given)) return issued.functionName
  }
  throw refuse('the signature does not match')
}

interface CanonicalRequest {
  /** the canonical request for this HTTP method, as Signer.tc3sign writes it */
  text(method: string): string
}

/** Signer.tc3sign's canonical request (@cloudbase/signature-nodejs lib/signer.js). */
function canonicalRequest(
  url: string,
  headers: Record<string, string>,
  params: Record<string, unknown>,
  signedParams: string | undefined,
): CanonicalRequest {
  const urlInfo = parseUrl(url)
  const headerKV = SortedKeyValue.kv(formatKeyAndValue(headers, { lowerCaseValues: true }))
  if (headerKV.get('host') !== urlInfo.host)
    throw new TypeError(`host:${urlInfo.host} in url must be equals to host:${headerKV.get('host')} in headers`)
  const contentType = headerKV.get('content-type') as string | undefined
  if (!contentType) throw new TypeError('content-type field must in headers')
  const includeKeys = signedParams ? signedParams.split(';') : undefined
  // only the signed parameters are formatted: the others are left out of the hash anyway
  const formatted = formatKeyAndValue(params, {
    multipart: contentType.startsWith(MULTIPART),
    selectedKeys: includeKeys && new Set(includeKeys),
  })
  const payload = paramsHash(formatted, includeKeys ?? (SortedKeyValue.kv(formatted).keys() as string[]))
  const head = `${url.replace(/^https?:/, '').split('?')[0]}\n${urlInfo.query || ''}\n${headerKV.toString(':', '\n')}\n\n${headerKV.keys().join(';')}\n`
  // tc3sign signs no parameters of a GET
  return { text: (method) => `${method}\n${head}${method.toUpperCase() === 'GET' ? sha256('') : payload}` }
}

const MULTIPART = 'multipart/form-data'
/** names that `camSafeUrlEncode(name.toLowerCase().trim())` returns unchanged */
const PLAIN_NAME = /^[a-z0-9_.~-]+$/

/** Signer.formatKeyAndValue: names lower-cased and URL-encoded, values as strings, trimmed; streams left out. */
function formatKeyAndValue(
  obj: Record<string, unknown>,
  options: { lowerCaseValues?: boolean; multipart?: boolean; selectedKeys?: Set<string> },
): Record<string, unknown> {
  // a plain object, as the library's: a name such as `constructor` must behave there as it does here
  const kv: Record<string, unknown> = {}
  for (const key of Object.keys(obj)) {
    const name = PLAIN_NAME.test(key) ? key : Signer.camSafeUrlEncode(key.toLowerCase().trim())
    if (options.selectedKeys && !options.selectedKeys.has(name)) continue
    const value = obj[key]
    if (!key || value === undefined) continue
    if (name === 'content-type') {
      kv[name] = (value as string).startsWith(MULTIPART) ? MULTIPART : value
    } else if (isStream(value)) {
      continue
    } else if (Buffer.isBuffer(value) && options.multipart) {
      kv[name] = value
    } else {
      const text = (typeof value === 'string' ? value : (JSON.stringify(value) as string)).trim()
      kv[name] = options.lowerCaseValues ? text.toLowerCase() : text
    }
  }
  return kv
}

/** Signer.calcParamsHash: SHA-256 over `&name=value\r\n` of each name with a value, hex. */
function paramsHash(formatted: Record<string, unknown>, names: string[]): string {
  const hash = createHash('sha256')
  // strings are hashed together: UTF-8 of the concatenation is the concatenation of the UTF-8 (no piece boundary
  // falls inside a character, as each piece ends or starts with an ASCII delimiter)
  let pending = ''
  for (const name of names) {
    const value = formatted[name]
    if (!value || isStream(value)) continue
    if (typeof value === 'string') {
      pending += `&${name}=${value}\r\n`
    } else {
      hash.update(`${pending}&${name}=`)
      hash.update(value as Buffer) // anything but a Buffer throws, as in the library
      pending = '\r\n'
    }
  }
  return hash.update(pending).digest('hex')
}

/** is-stream, as the library checks */
const isStream = (value: unknown): boolean =>
  value !== null && typeof value === 'object' && typeof (value as { pipe?: unknown }).pipe === 'function'

function sign(key: Buffer, canonical: string, timestamp: number, service: string): string {
  const stringToSign = `${ALGORITHM}\n${timestamp}\n${dateOf(timestamp)}/${service}/tc3_request\n${sha256(canonical)}`
  return createHmac('sha256', key).update(stringToSign).digest('hex')
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

/** The UTC date of a Unix timestamp, as the signature's credential scope names it (YYYY-MM-DD). */
const dateOf = (timestamp: number) => new Date(timestamp * 1000).toISOString().slice(0, 10)

/**
 * The TC3 signing key of (secret, date, service): HMAC chain "TC3"+secret -> date -> service -> "tc3_request".
 * Kept per key; a request's date is within the signature lifetime of now, so only a day or two are live, and the
 * table is emptied when odd service names would grow it.
 */
const keys = new Map<string, Buffer>()
const MAX_KEYS = 64

function signingKey(secretKey: string, date: string, service: string): Buffer {
  const id = `${date}/${service}/${secretKey}`
  let key = keys.get(id)
  if (!key) {
    const secretDate = createHmac('sha256', `TC3${secretKey}`).update(date).digest()
    const secretService = createHmac('sha256', secretDate).update(service).digest()
    key = createHmac('sha256', secretService).update('tc3_request').digest()
    if (keys.size >= MAX_KEYS) keys.clear()
    keys.set(id, key)
  }
  return key
}
