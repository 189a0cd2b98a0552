import { toBase64 } from '../base64'
import { callbackApi, WxFail } from '../callback-api'
import { cloudDatabase } from './cloud-database'
import type { ClientState } from '../state'

/**
 * wx.cloud as the base library offers it. A function that throws or times out reaches the page as WeChat
 * reports it: errCode -404011 with the cloud-side code (-504002 execution failure, -504003 timeout) inside
 * errMsg ("cloud.callFunction:fail requestID ..., cloud function service error code -504002, error message ...").
 */
export function cloudApis(state: ClientState) {
  let initialized = false
  const requireInit = () => {
    // WeChat: calling cloud APIs before wx.cloud.init() fails
    if (!initialized) throw new WxFail("Cloud API isn't enabled, please call wx.cloud.init first", { errCode: -1 })
  }
  const call = async (action: string, params: Record<string, unknown>) => {
    const reply = await state.transport(action, params)
    if (!reply.ok) throw new WxFail(`errCode: ${reply.errCode} | errMsg: ${reply.errMsg}`, { errCode: reply.errCode })
    return reply
  }
  return {
    init: (options: { env?: string | Record<string, string>; traceUser?: boolean } = {}) => {
      if (options.env !== undefined && typeof options.env !== 'string' && typeof options.env !== 'object') {
        throw new Error('wx.cloud.init: env must be a string or an object')
      }
      initialized = true
    },
    callFunction: callbackApi('cloud.callFunction', async (o: { name?: string; data?: Record<string, unknown> }) => {
      requireInit()
      state.calls.push(`cloud.callFunction:${o.name}`)
      const reply = await state.transport('functions.callFunction', { name: o.name, data: o.data ?? {} })
      if (reply.ok) return { result: reply.result, requestID: reply.requestID }
      if (reply.code === 'FUNCTIONS_EXECUTE_FAIL' || reply.code === 'FUNCTIONS_TIME_LIMIT_EXCEEDED') {
        throw new WxFail(
          `Error: errCode: -404011 cloud function execution error | errMsg: cloud.callFunction:fail requestID , cloud function service error code ${reply.errCode}, error message ${reply.errMsg}`,
          { errCode: -404011 },
        )
      }
      throw new WxFail(`Error: errCode: ${reply.errCode} | errMsg: ${reply.errMsg}`, { errCode: reply.errCode })
    }),
    database: (options: { env?: string } = {}) => {
      requireInit()
      state.calls.push('cloud.database')
      return cloudDatabase(state.transport, options)
    },
    uploadFile: callbackApi('cloud.uploadFile', async (o: { cloudPath?: string; filePath?: string }) => {
      requireInit()
      const bytes = typeof o.filePath === 'string' ? state.tempFiles.get(o.filePath) : undefined
      if (!bytes) throw new WxFail('file not found', { errCode: -1 })
      const reply = await call('storage.clientUpload', { cloudPath: o.cloudPath, fileContent: toBase64(bytes) })
      return { fileID: reply.fileID, statusCode: 204 }
    }),
    getTempFileURL: callbackApi('cloud.getTempFileURL', async (o: { fileList?: unknown[] }) => {
      requireInit()
      const list = (o.fileList ?? []).map((f) =>
        typeof f === 'string'
          ? { fileid: f }
          : { fileid: (f as { fileID?: string }).fileID, max_age: (f as { maxAge?: number }).maxAge },
      )
      const reply = await call('storage.batchGetDownloadUrl', { file_list: list })
      return { fileList: reply.fileList ?? reply.data }
    }),
    deleteFile: callbackApi('cloud.deleteFile', async (o: { fileList?: string[] }) => {
      requireInit()
      const reply = await call('storage.batchDeleteFile', { fileid_list: o.fileList ?? [] })
      return { fileList: reply.fileList ?? reply.data }
    }),
  }
}
