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
 * The canonical request is built with the helpers of the signer @cloudbase/node-sdk itself uses
 * (@cloudbase/signature-nodejs: header and parameter formatting, sorting, the parameter hash), step for step as its
 * `Signer.tc3sign` does; only the key derivation is not the library's, because tc3sign derives the signing key
 * (three HMACs) on every call. The key depends on the secret, the date and the service alone, so it is derived
 * once per date and kept, as TC3 allows (https://cloud.tencent.com/document/api/213/30654).
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

/** Signer.tc3sign's canonical request (@cloudbase/signature-nodejs lib/signer.js), with its own helpers. */
function canonicalRequest(
  url: string,
  headers: Record<string, string>,
  params: Record<string, unknown>,
  signedParams: string | undefined,
): CanonicalRequest {
  const urlInfo = parseUrl(url)
  const headerKV = SortedKeyValue.kv(Signer.formatKeyAndValue(headers, { enableValueToLowerCase: true }))
  if (headerKV.get('host') !== urlInfo.host)
    throw new TypeError(`host:${urlInfo.host} in url must be equals to host:${headerKV.get('host')} in headers`)
  const contentType = headerKV.get('content-type') as string | undefined
  if (!contentType) throw new TypeError('content-type field must in headers')
  const includeKeys = signedParams ? signedParams.split(';') : undefined
  // only the signed parameters are formatted: the others would be dropped by the hash anyway
  const payload = Signer.calcParamsHash(
    Signer.formatKeyAndValue(params, {
      multipart: contentType.startsWith('multipart/form-data'),
      selectedKeys: includeKeys,
    }),
    { includeKeys },
  )
  const head = `${url.replace(/^https?:/, '').split('?')[0]}\n${urlInfo.query || ''}\n${headerKV.toString(':', '\n')}\n\n${headerKV.keys().join(';')}\n`
  // tc3sign signs no parameters of a GET
  return { text: (method) => `${method}\n${head}${method.toUpperCase() === 'GET' ? sha256('') : payload}` }
}

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
