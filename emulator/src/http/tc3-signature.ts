import type { IncomingMessage } from 'node:http'
import { timingSafeEqual } from 'node:crypto'
import { Signer } from '@cloudbase/signature-nodejs'
import { CloudError } from '../core/errors'
import type { FunctionCredentials } from '../functions/credentials'

/**
 * Checks an /admin request's TC3-HMAC-SHA256 signature the way TCB does: recomputed with the signer
 * @cloudbase/node-sdk itself uses (@cloudbase/signature-nodejs), over the signed headers, the URL, the signed
 * parameters and X-Timestamp, with the secret key the emulator issued to the function. A request signed with
 * any other key, altered after signing, or older than the SDK's own X-Signature-Expires (600 s) is refused.
 * Returns the name of the function the credential belongs to.
 */
const AUTHORIZATION =
  /^TC3-HMAC-SHA256 Credential=([^/\s]+)\/(\d{4}-\d{2}-\d{2})\/([a-z0-9_-]+)\/tc3_request,(?: SignedParams=([^,]*),)? SignedHeaders=([a-z0-9;_-]+), Signature=([0-9a-f]{64})$/
export const SIGNATURE_MAX_AGE_S = 600

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
  const url = `http://${req.headers.host ?? ''}${req.url ?? '/'}`
  const signer = new Signer({ secretId, secretKey: issued.secretKey }, service)
  const given = Buffer.from(signature, 'utf8')
  // the SDK signs its JSON requests with the method as sent and its multipart ones with 'post': both are POSTs
  const method = req.method ?? 'POST'
  for (const verb of new Set([method, method.toLowerCase()])) {
    let expected: string | Buffer
    try {
      expected = signer.tc3sign(verb, url, headers, params, timestamp, {
        withSignedParams: true,
        includeKeys: signedParams ? signedParams.split(';') : undefined,
      }).signature
    } catch (e) {
      throw refuse((e as Error).message)
    }
    const computed = Buffer.isBuffer(expected) ? Buffer.from(expected.toString('hex')) : Buffer.from(expected, 'utf8')
    if (computed.length === given.length && timingSafeEqual(computed, given)) return issued.functionName
  }
  throw refuse('the signature does not match')
}
