import { createHash } from 'node:crypto'
import { invalidParam } from '../core/errors'

/**
 * Cloud paths and fileIDs.
 *
 * Naming rules from https://developers.weixin.qq.com/miniprogram/dev/wxcloud/guide/storage/naming.html:
 * not empty, no leading '/', no '//', at most 850 bytes encoded, no CAN/EM/SUB/ESC (24-27). The emulator
 * also refuses the other ASCII control characters and '.'/'..' segments (WeChat only advises against them),
 * and a trailing '/' (that names a folder, not a file).
 */
export const MAX_CLOUD_PATH_BYTES = 850

export function checkCloudPath(value: unknown, field = 'cloudPath'): string {
  if (typeof value !== 'string' || value === '') throw invalidParam(`${field} must be a non-empty string`)
  if (value.startsWith('/')) throw invalidParam(`${field} must not start with '/'`)
  if (value.endsWith('/')) throw invalidParam(`${field} must name a file, not a folder (trailing '/')`)
  if (value.includes('//')) throw invalidParam(`${field} must not contain '//'`)
  if (Buffer.byteLength(value, 'utf8') > MAX_CLOUD_PATH_BYTES)
    throw invalidParam(`${field} is longer than ${MAX_CLOUD_PATH_BYTES} bytes`)
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) throw invalidParam(`${field} must not contain control characters`)
  if (value.split('/').some((s) => s === '.' || s === '..'))
    throw invalidParam(`${field} must not contain '.' or '..' segments`)
  // a lone surrogate cannot be stored as UTF-8, so the key would silently change
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value))
    throw invalidParam(`${field} is not valid Unicode text`)
  return value
}

/**
 * The bucket name as WeChat forms it: hex of the env id's first two characters, the env id, and the Tencent
 * Cloud account APPID (e.g. `7465-test-0g1h2i3j-1300000000`). The emulator derives a stable 10-digit APPID
 * from the env id, so fileIDs survive restarts.
 */
export function bucketOf(envId: string): string {
  const prefix = Buffer.from(envId.slice(0, 2), 'utf8').toString('hex')
  const accountAppId = 1300000000 + (createHash('sha256').update(envId).digest().readUInt32BE(0) % 100000000)
  return `${prefix}-${envId}-${accountAppId}`
}

/** fileID format: `cloud://<envId>.<bucket>/<cloudPath>` */
export function fileIdOf(envId: string, cloudPath: string): string {
  return `cloud://${envId}.${bucketOf(envId)}/${cloudPath}`
}

export interface ParsedFileId {
  envId: string
  bucket: string
  cloudPath: string
}

const FILE_ID = /^cloud:\/\/([^./]+)\.([^/]+)\/(.+)$/

export function parseFileId(fileId: string): ParsedFileId | undefined {
  const m = FILE_ID.exec(fileId)
  return m ? { envId: m[1], bucket: m[2], cloudPath: m[3] } : undefined
}
