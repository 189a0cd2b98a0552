import type { IncomingMessage } from 'node:http'
import busboy from 'busboy'
import { CloudError, invalidParam } from '../core/errors'

/** The largest request body the emulator accepts (WeChat's own gateway limits are lower for most calls). */
export const MAX_BODY_BYTES = 10 * 1024 * 1024

/** Reads a JSON or multipart/form-data request into fields; binary parts stay Buffers. */
export async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const type = req.headers['content-type'] ?? ''
  if (type.startsWith('multipart/form-data')) return readMultipart(req)
  const raw = await readRaw(req)
  if (raw.length === 0) return {}
  let parsed: unknown
  try {
    parsed = JSON.parse(raw.toString('utf8'))
  } catch {
    throw invalidParam('request body is not valid JSON')
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw invalidParam('request body must be a JSON object')
  return parsed as Record<string, unknown>
}

/**
 * The body's bytes, up to `limit`. A larger body is refused with INVALID_PARAM (the caller answers it), and the
 * rest is read and dropped so the client gets that answer instead of a reset connection; a sender that goes on
 * far past the limit is cut off.
 */
export function readRaw(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let over = false
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (over) {
        if (size > limit * 4) req.destroy()
        return
      }
      if (size > limit) {
        over = true
        chunks.length = 0
        reject(new CloudError('INVALID_PARAM', `request body exceeds ${limit} bytes`))
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

function readMultipart(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const fields: Record<string, unknown> = {}
    let bb: busboy.Busboy
    try {
      bb = busboy({ headers: req.headers, limits: { fileSize: MAX_BODY_BYTES, fields: 100, files: 10 } })
    } catch (e) {
      reject(invalidParam(`bad multipart request: ${(e as Error).message}`))
      return
    }
    bb.on('field', (name, value) => {
      fields[name] = value
    })
    bb.on('file', (name, stream, info) => {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('limit', () => reject(invalidParam(`multipart part ${name} is too large`)))
      stream.on('end', () => {
        fields[name] = Buffer.concat(chunks)
        if (info.filename) fields[`${name}.filename`] = info.filename
      })
    })
    bb.on('error', (e) => reject(invalidParam(`bad multipart request: ${(e as Error).message}`)))
    bb.on('close', () => resolve(fields))
    req.pipe(bb)
  })
}
