import type { ActionParams, ActionTable, ServiceContext } from '../core/context'
import type { Caller } from '../core/caller'
import { CloudError, invalidParam, TCB_ERR_CODE } from '../core/errors'
import type { Bucket } from './bucket'
import type { StoredFile } from './catalog'
import { downloadUrl, uploadUrl } from './http'
import { MAX_CLIENT_UPLOAD_BYTES, MAX_FILES_PER_CALL } from './limits'
import { bucketOf, checkCloudPath, fileIdOf, parseFileId } from './paths'
import type { UploadTickets } from './uploads'

/**
 * The storage actions, by TCB action name. Cloud functions (admin) may do anything; the mini program (client)
 * is held to WeChat's default storage rule, "all users can read, only the creator can write": it may read any
 * file but overwrite or delete only files it uploaded.
 * Replies follow the caller: the TCB admin API's `{ data: { download_list | delete_list } }`, which
 * @cloudbase/node-sdk and wx-server-sdk turn into `fileList`, or wx.cloud's own `fileList` for the client.
 */
type FileCode = 'SUCCESS' | 'STORAGE_FILE_NONEXIST' | 'STORAGE_EXCEED_AUTHORITY'

/** wx-server-sdk's per-file errMsg for each code (ERR_CODE in its config/error.config.ts) */
const FILE_ERR_MSG: Record<FileCode, string> = {
  SUCCESS: 'ok',
  STORAGE_FILE_NONEXIST: 'storage file not exists',
  STORAGE_EXCEED_AUTHORITY: 'storage permission denied',
}

const DEFAULT_MAX_AGE_S = 86400
// one flat character class: a grouped pattern recurses per group in V8 and overflows the stack on megabytes
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

export function storageActions(ctx: ServiceContext, bucket: Bucket, tickets: UploadTickets): ActionTable {
  const mayWrite = (caller: Caller) => (file: StoredFile) =>
    caller.kind === 'admin' || file.uploadedBy === caller.openid
  // a fileID of another environment can never name a file here
  const ownPath = (fileID: string) => {
    const parsed = parseFileId(fileID)
    // a string that is no fileID at all names no file, like one of another environment: node-sdk's own test
    // expects STORAGE_FILE_NONEXIST for downloadFile({ fileID: 'unexistFileID' })
    // (TencentCloudBase/node-sdk test/storage/downloadFile.test.ts)
    if (!parsed) return undefined
    return parsed.envId === ctx.envId && parsed.bucket === bucketOf(ctx.envId) ? parsed.cloudPath : undefined
  }

  return {
    'storage.getUploadMetadata': async (_caller, params) => {
      await ctx.faults.apply('storage', 'storage.getUploadMetadata')
      const path = checkCloudPath(params.path, 'path')
      if (params.method !== undefined && params.method !== 'put')
        throw invalidParam("method: the emulator supports only 'put' uploads")
      const ticket = tickets.issue(path)
      return {
        data: {
          url: uploadUrl(ctx.baseUrl, path),
          token: ticket.token,
          authorization: ticket.authorization,
          fileId: fileIdOf(ctx.envId, path),
          cosFileId: ticket.cosFileId,
          download_url: downloadUrl(ctx.baseUrl, path),
        },
      }
    },

    'storage.batchGetDownloadUrl': async (caller, params) => {
      await ctx.faults.apply('storage', 'storage.batchGetDownloadUrl')
      const list = fileListOf(params)
      const items = await Promise.all(
        list.map(async ({ fileID, maxAge }) => {
          const path = ownPath(fileID)
          const found = path !== undefined && (await bucket.get(path))
          const code: FileCode = found ? 'SUCCESS' : 'STORAGE_FILE_NONEXIST'
          return { fileID, code, maxAge, tempFileURL: found ? downloadUrl(ctx.baseUrl, path) : '' }
        }),
      )
      if (caller.kind === 'admin') return { data: { download_list: items } }
      return {
        fileList: items.map(({ code, ...item }) => ({
          ...item,
          status: TCB_ERR_CODE[code],
          errMsg: FILE_ERR_MSG[code],
        })),
      }
    },

    'storage.batchDeleteFile': async (caller, params) => {
      await ctx.faults.apply('storage', 'storage.batchDeleteFile')
      const ids = fileIdListOf(params)
      const items: Array<{ fileID: string; code: FileCode }> = []
      for (const fileID of ids) {
        const path = ownPath(fileID)
        const outcome = path === undefined ? 'missing' : await bucket.delete(path, mayWrite(caller))
        items.push({
          fileID,
          code:
            outcome === 'deleted'
              ? 'SUCCESS'
              : outcome === 'missing'
                ? 'STORAGE_FILE_NONEXIST'
                : 'STORAGE_EXCEED_AUTHORITY',
        })
      }
      if (caller.kind === 'admin') return { data: { delete_list: items } }
      return {
        fileList: items.map(({ fileID, code }) => ({ fileID, status: TCB_ERR_CODE[code], errMsg: FILE_ERR_MSG[code] })),
      }
    },

    'storage.clientUpload': async (caller, params) => {
      await ctx.faults.apply('storage', 'storage.clientUpload')
      const cloudPath = checkCloudPath(params.cloudPath)
      const bytes = decodeContent(params.fileContent)
      const uploadedBy = caller.kind === 'client' ? caller.openid : undefined
      const stored = await bucket.write(cloudPath, bytes, uploadedBy, mayWrite(caller))
      if (stored === 'refused') {
        throw new CloudError('STORAGE_EXCEED_AUTHORITY', `permission denied: ${cloudPath} was uploaded by someone else`)
      }
      return { fileID: stored.fileID }
    },
  }
}

function fileListOf(params: ActionParams): Array<{ fileID: string; maxAge: number }> {
  const list = params.file_list
  checkCount(list, 'file_list')
  return (list as unknown[]).map((item, i) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item))
      throw invalidParam(`file_list[${i}] must be an object with fileid`)
    const { fileid, max_age, url_type } = item as Record<string, unknown>
    checkFileId(fileid, `file_list[${i}].fileid`)
    if (max_age !== undefined && max_age !== null && (!Number.isInteger(max_age) || (max_age as number) < 1)) {
      throw invalidParam(`file_list[${i}].max_age must be a positive whole number of seconds`)
    }
    if (url_type !== undefined && url_type !== null && typeof url_type !== 'string')
      throw invalidParam(`file_list[${i}].url_type must be a string`)
    return { fileID: fileid as string, maxAge: (max_age as number | undefined | null) ?? DEFAULT_MAX_AGE_S }
  })
}

function fileIdListOf(params: ActionParams): string[] {
  const list = params.fileid_list
  checkCount(list, 'fileid_list')
  ;(list as unknown[]).forEach((id, i) => checkFileId(id, `fileid_list[${i}]`))
  return list as string[]
}

function checkCount(list: unknown, field: string): void {
  if (!Array.isArray(list) || list.length === 0) throw invalidParam(`${field} must be a non-empty array`)
  if (list.length > MAX_FILES_PER_CALL)
    throw invalidParam(`${field} has ${list.length} entries; at most ${MAX_FILES_PER_CALL} per call`)
}

/** Only the type is the request's fault ("fileList的元素如果不是对象，则必须是字符串"); an unknown string is per file. */
function checkFileId(id: unknown, field: string): void {
  if (typeof id !== 'string' || id === '' || id.length > 4096)
    throw invalidParam(`${field} must be a fileID string (cloud://<env>.<bucket>/<path>)`)
}

function decodeContent(content: unknown): Buffer {
  if (typeof content !== 'string') throw invalidParam('fileContent must be a base64 string')
  if (content.length % 4 !== 0 || !BASE64.test(content)) throw invalidParam('fileContent is not valid base64')
  // the decoded size, known before decoding, so an oversized upload costs no memory
  if (Buffer.byteLength(content, 'base64') > MAX_CLIENT_UPLOAD_BYTES)
    throw invalidParam(`file is larger than ${MAX_CLIENT_UPLOAD_BYTES} bytes`)
  return Buffer.from(content, 'base64')
}
