import Taro from '@tarojs/taro'
import { AUTH_SERVER_URL } from '../../config/auth'
import { isErrorCode, WeAuthError } from '../../../packages/contract/errors'
import { LOGIN_TIMEOUT_MESSAGE, LOGIN_TIMEOUT_MS } from '../auth/login-errors'

/** The reply shape of every endpoint (packages/contract/result.ts, the same as the cloud functions'). */
type Reply = { ok: true; [key: string]: unknown } | { ok: false; code: string; message: string }

export type Method = 'GET' | 'POST' | 'DELETE'

export const isServerFailure = (e: unknown, ...codes: string[]) => e instanceof WeAuthError && codes.includes(e.code)

function toError(status: number, reply: Reply | null): WeAuthError {
  if (!reply || reply.ok) return new WeAuthError(status === 429 ? 'RATE_LIMITED' : 'UPSTREAM')
  // the server's message can be more specific than the table's (which field failed its schema)
  if (isErrorCode(reply.code)) return new WeAuthError(reply.code, reply.message || undefined)
  return new WeAuthError(status >= 500 ? 'UPSTREAM' : 'INTERNAL')
}

function failure(e: unknown): WeAuthError {
  const timedOut = /timeout/i.test(String((e as { errMsg?: string })?.errMsg ?? e))
  return timedOut ? new WeAuthError('TIMEOUT', LOGIN_TIMEOUT_MESSAGE) : new WeAuthError('NETWORK')
}

function answer<T>(statusCode: number, data: unknown): { ok: true } & T {
  let body = data
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body) // wx.uploadFile hands the body over as text
    } catch {
      body = null
    }
  }
  const reply = body && typeof body === 'object' ? (body as Reply) : null
  if (statusCode >= 200 && statusCode < 300 && reply?.ok) return reply as { ok: true } & T
  throw toError(statusCode, reply)
}

const bearer = (token?: string | null) => (token ? { Authorization: `Bearer ${token}` } : {})

/** One JSON request to the login server; resolves with the `ok: true` body or rejects with a WeAuthError. */
export async function requestServer<T extends object>(
  method: Method,
  path: string,
  data?: Record<string, unknown>,
  token?: string | null,
): Promise<{ ok: true } & T> {
  let res: Taro.request.SuccessCallbackResult<Record<string, unknown> | string>
  try {
    res = await Taro.request({
      url: `${AUTH_SERVER_URL}${path}`,
      method,
      data,
      header: { 'content-type': 'application/json', ...bearer(token) },
      dataType: 'json',
      timeout: LOGIN_TIMEOUT_MS,
    })
  } catch (e) {
    throw failure(e)
  }
  return answer<T>(res.statusCode, res.data)
}

/**
 * A multipart upload of one temp file (wx.uploadFile, the only way a mini program sends a file's bytes) with
 * text fields alongside. https://developers.weixin.qq.com/miniprogram/dev/api/network/upload/wx.uploadFile.html
 */
export async function uploadToServer<T extends object>(
  path: string,
  file: { name: string; filePath: string },
  fields: Record<string, string>,
  token?: string | null,
): Promise<{ ok: true } & T> {
  let res: Taro.uploadFile.SuccessCallbackResult
  try {
    res = await Taro.uploadFile({
      url: `${AUTH_SERVER_URL}${path}`,
      name: file.name,
      filePath: file.filePath,
      formData: fields,
      header: bearer(token),
      timeout: LOGIN_TIMEOUT_MS,
    })
  } catch (e) {
    const error = failure(e)
    throw error.code === 'NETWORK' ? new WeAuthError('UPLOAD_FAILED') : error
  }
  return answer<T>(res.statusCode, res.data)
}
