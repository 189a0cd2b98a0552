import type { IncomingMessage, ServerResponse } from 'node:http'
import { createHash, randomBytes } from 'node:crypto'
import { extname } from 'node:path'
import type { ServiceContext } from '../core/context'
import { CloudError } from '../core/errors'
import { readRaw } from '../http/body'
import type { Bucket } from './bucket'
import { MAX_PUT_BYTES } from './limits'
import type { UploadTickets } from './uploads'

/**
 * The storage URLs the SDKs are handed, standing in for COS (uploads) and the bucket's CDN domain
 * (tcb.qcloud.la downloads):
 *   PUT  /storage/upload/<cloudPath>    with the headers storage.getUploadMetadata issued
 *   GET  /storage/download/<cloudPath>  (HEAD too)
 * Errors are COS-style XML, which @cloudbase/node-sdk parses after an upload.
 */
const UPLOAD = '/storage/upload/'
const DOWNLOAD = '/storage/download/'

export const uploadUrl = (baseUrl: string, cloudPath: string): string =>
  baseUrl + UPLOAD + cloudPath.split('/').map(encodeURIComponent).join('/')

/**
 * Download URLs keep the path readable, as WeChat's do: @cloudbase/node-sdk's downloadFile runs encodeURI()
 * over the URL itself. Only the characters that would end the path are escaped.
 */
export const downloadUrl = (baseUrl: string, cloudPath: string): string =>
  baseUrl + DOWNLOAD + cloudPath.replace(/[%?#]/g, (c) => encodeURIComponent(c))

export function storageHttp(ctx: ServiceContext, bucket: Bucket, tickets: UploadTickets) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const pathname = new URL(req.url ?? '/', 'http://emulator').pathname
    if (!pathname.startsWith('/storage/')) return false
    let cloudPath: string
    try {
      cloudPath = decodeURIComponent(pathname.slice(pathname.startsWith(UPLOAD) ? UPLOAD.length : DOWNLOAD.length))
    } catch {
      return cosError(res, 400, 'InvalidURI', 'Could not parse the specified URI.', pathname)
    }
    try {
      if (pathname.startsWith(UPLOAD)) {
        if (req.method !== 'PUT')
          return cosError(res, 405, 'MethodNotAllowed', 'The specified method is not allowed.', cloudPath)
        return await putObject(ctx, bucket, tickets, cloudPath, req, res)
      }
      if (pathname.startsWith(DOWNLOAD)) {
        if (req.method !== 'GET' && req.method !== 'HEAD')
          return cosError(res, 405, 'MethodNotAllowed', 'The specified method is not allowed.', cloudPath)
        return await getObject(ctx, bucket, cloudPath, req, res)
      }
      return cosError(res, 404, 'NoSuchKey', 'The specified key does not exist.', pathname)
    } catch (e) {
      // an injected fault, or a body over the limit without a content-length (the socket is gone then)
      if (res.headersSent || res.destroyed) return true
      req.resume() // drain an unread upload so the connection stays usable
      const code = e instanceof CloudError ? e.code : 'InternalError'
      return cosError(res, 500, 'InternalError', `${code}: ${(e as Error)?.message ?? 'internal error'}`, cloudPath)
    }
  }
}

async function putObject(
  ctx: ServiceContext,
  bucket: Bucket,
  tickets: UploadTickets,
  cloudPath: string,
  req: IncomingMessage,
  res: ServerResponse,
) {
  await ctx.faults.apply('storage', 'cos.putObject')
  const header = req.headers.authorization
  if (!tickets.check(typeof header === 'string' ? header : undefined, cloudPath)) {
    req.resume()
    return cosError(
      res,
      403,
      'AccessDenied',
      'Request has expired or its signature does not match this key.',
      cloudPath,
    )
  }
  if (Number(req.headers['content-length']) > MAX_PUT_BYTES) {
    req.resume()
    return cosError(
      res,
      400,
      'EntityTooLarge',
      `Your proposed upload exceeds the maximum allowed object size (${MAX_PUT_BYTES} bytes in the emulator).`,
      cloudPath,
    )
  }
  const bytes = await readRaw(req, MAX_PUT_BYTES)
  await bucket.write(cloudPath, bytes, undefined)
  res.writeHead(200, { etag: `"${createHash('md5').update(bytes).digest('hex')}"`, 'content-length': 0 })
  res.end()
  return true
}

async function getObject(
  ctx: ServiceContext,
  bucket: Bucket,
  cloudPath: string,
  req: IncomingMessage,
  res: ServerResponse,
) {
  await ctx.faults.apply('storage', 'cos.getObject')
  const found = await bucket.read(cloudPath)
  if (!found) return cosError(res, 404, 'NoSuchKey', 'The specified key does not exist.', cloudPath)
  res.writeHead(200, { 'content-type': contentTypeOf(cloudPath), 'content-length': found.bytes.length })
  res.end(req.method === 'HEAD' ? undefined : found.bytes)
  return true
}

const TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain',
  '.json': 'application/json',
  '.pdf': 'application/pdf',
  '.mp3': 'audio/mpeg',
  '.mp4': 'video/mp4',
}

const contentTypeOf = (cloudPath: string): string =>
  TYPES[extname(cloudPath).toLowerCase()] ?? 'application/octet-stream'

const xmlEscape = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`)

/** COS's error body; node-sdk reads Code, Message, RequestId and TraceId from it. */
function cosError(res: ServerResponse, status: number, code: string, message: string, resource: string): true {
  const body =
    `<?xml version='1.0' encoding='utf-8' ?>\n<Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message>` +
    `<Resource>${xmlEscape(resource)}</Resource><RequestId>${randomBytes(16).toString('base64url')}</RequestId>` +
    `<TraceId>${randomBytes(24).toString('base64url')}</TraceId></Error>`
  res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) })
  res.end(body)
  return true
}
