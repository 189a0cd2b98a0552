import type { ClientState } from '../state'
import { exchangeWithin, type HttpExchanger } from './network'
import { lowerCaseHeaders, networkTask, type Finish, type TaskCallbacks } from './network-task'

export interface UploadFileOptions extends TaskCallbacks {
  url?: string
  filePath?: string
  name?: string
  header?: Record<string, string>
  formData?: Record<string, unknown>
  timeout?: number
}

/** The part's type WeChat's client sends, by the temp file's extension (it does not sniff the bytes). */
const TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
}

/** UTF-8 bytes of a text (the page's jsdom under Jest has no TextEncoder; WeChat's JS engines predate it too). */
function utf8(text: string): Uint8Array {
  const escaped = encodeURIComponent(text)
  const bytes: number[] = []
  for (let i = 0; i < escaped.length; i++) {
    if (escaped[i] === '%') {
      bytes.push(parseInt(escaped.slice(i + 1, i + 3), 16))
      i += 2
    } else bytes.push(escaped.charCodeAt(i))
  }
  return Uint8Array.from(bytes)
}

/** Quotes a multipart parameter value (RFC 7578 §4.2: escape the quote, no line breaks). */
const quoted = (value: string) => `"${value.replace(/[\r\n]/g, ' ').replace(/"/g, '%22')}"`

function multipart(
  boundary: string,
  fields: Record<string, unknown>,
  file: { name: string; fileName: string; type: string; bytes: Uint8Array },
): Uint8Array {
  const parts: Uint8Array[] = []
  for (const [key, value] of Object.entries(fields)) {
    const text = typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value)
    parts.push(utf8(`--${boundary}\r\nContent-Disposition: form-data; name=${quoted(key)}\r\n\r\n${text}\r\n`))
  }
  parts.push(
    utf8(
      `--${boundary}\r\nContent-Disposition: form-data; name=${quoted(file.name)}; filename=${quoted(file.fileName)}\r\n` +
        `Content-Type: ${file.type}\r\n\r\n`,
    ),
    file.bytes,
    utf8(`\r\n--${boundary}--\r\n`),
  )
  const body = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    body.set(p, at)
    at += p.length
  }
  return body
}

/**
 * wx.uploadFile as the base library behaves
 * (https://developers.weixin.qq.com/miniprogram/dev/api/network/upload/wx.uploadFile.html):
 * - a POST of multipart/form-data to `url`: the `formData` fields, then the temp file under `name`;
 * - any HTTP status is a success `{data: string, statusCode, errMsg: 'uploadFile:ok'}` (`data` is the body as
 *   text, never parsed); network failures, timeouts, a missing file or bad options reach `fail` with
 *   `errMsg: 'uploadFile:fail …'`;
 * - returns an UploadTask with abort() (then `uploadFile:fail abort`).
 * The exact wording of the failure reasons is not documented; these follow what the client prints.
 * Not reproduced: the 合法域名 (uploadFile) allow-list, progress events, the 10 concurrent-upload cap.
 */
export function uploadApis(state: ClientState, exchange: HttpExchanger) {
  let uploads = 0
  return {
    uploadFile(options: UploadFileOptions = {}) {
      const timeoutMs = typeof options.timeout === 'number' && options.timeout > 0 ? options.timeout : 60_000
      const run = async (finish: Finish, aborted: () => boolean) => {
        if (typeof options.url !== 'string' || !/^https?:\/\//.test(options.url))
          return finish(false, { errMsg: `uploadFile:fail invalid url "${options.url}"`, errno: 600009 })
        if (typeof options.name !== 'string' || !options.name)
          return finish(false, { errMsg: 'uploadFile:fail parameter error: parameter.name should be String' })
        const bytes = typeof options.filePath === 'string' ? state.tempFiles.get(options.filePath) : undefined
        if (!bytes) return finish(false, { errMsg: `uploadFile:fail file not found: ${options.filePath}` })
        const fileName = options.filePath!.split('/').pop() || 'file'
        const ext = (fileName.split('.').pop() ?? '').toLowerCase()
        const boundary = `----WeChatFormBoundary${Date.now().toString(16)}${(++uploads).toString(16)}`
        const header = lowerCaseHeaders(options.header)
        // the client sets the multipart type itself (with its boundary), whatever the page passed
        header['content-type'] = `multipart/form-data; boundary=${boundary}`
        const body = multipart(boundary, options.formData ?? {}, {
          name: options.name,
          fileName,
          type: TYPES[ext] ?? 'application/octet-stream',
          bytes,
        })
        const outcome = await exchangeWithin(exchange, { url: options.url, method: 'POST', header, body, timeoutMs })
        if (aborted()) return
        if ('failure' in outcome)
          return finish(false, { errMsg: `uploadFile:fail ${outcome.failure}`, errno: outcome.errno })
        state.calls.push(`uploadFile:POST ${new URL(options.url).pathname}`)
        finish(true, { data: outcome.answer.body, statusCode: outcome.answer.statusCode, errMsg: 'uploadFile:ok' })
      }
      return networkTask('uploadFile', options, run, {
        onProgressUpdate: () => undefined,
        offProgressUpdate: () => undefined,
        onHeadersReceived: () => undefined,
        offHeadersReceived: () => undefined,
      })
    },
  }
}
