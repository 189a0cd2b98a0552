import type { ClientState } from '../state'
import { lowerCaseHeaders, networkTask, type Finish, type TaskCallbacks } from './network-task'

/** One HTTP exchange as the simulated client performs it; the host decides how (fetch, an in-process server). */
export interface HttpExchange {
  url: string
  method: string
  header: Record<string, string>
  /** the request body: text for wx.request, bytes for wx.uploadFile's multipart; absent for GET/HEAD */
  body?: string | Uint8Array
  timeoutMs: number
}

export interface HttpAnswer {
  statusCode: number
  header: Record<string, string>
  body: string
}

/** Performs a request for wx.request; rejects on a network failure (DNS, refused, reset). */
export type HttpExchanger = (request: HttpExchange) => Promise<HttpAnswer>

/** The playground's default: the platform's fetch (browser, Node 18+). */
export const fetchExchanger: HttpExchanger = async ({ url, method, header, body, timeoutMs }) => {
  if (typeof fetch !== 'function') throw new Error('no fetch in this environment: pass a request exchanger')
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), timeoutMs)
  try {
    const res = await fetch(url, { method, headers: header, body, signal: controller.signal })
    const headers: Record<string, string> = {}
    res.headers.forEach((value, key) => (headers[key] = value))
    return { statusCode: res.status, header: headers, body: await res.text() }
  } finally {
    clearTimeout(timer)
  }
}

/**
 * One exchange under the client's timeout: the answer, or why it failed as the base library words it
 * ('timeout', errno 5; a network failure's message, errno 600001). Shared by wx.request and wx.uploadFile.
 */
export async function exchangeWithin(
  exchange: HttpExchanger,
  request: HttpExchange,
): Promise<{ answer: HttpAnswer } | { failure: string; errno: number }> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), request.timeoutMs)
  })
  try {
    return { answer: await Promise.race([exchange(request), timeout]) }
  } catch (e) {
    const reason = (e as Error)?.message === 'timeout' ? 'timeout' : ((e as Error)?.message ?? String(e))
    return { failure: reason, errno: reason === 'timeout' ? 5 : 600001 }
  } finally {
    clearTimeout(timer)
  }
}

export interface RequestOptions extends TaskCallbacks {
  url?: string
  method?: string
  data?: unknown
  header?: Record<string, string>
  timeout?: number
  dataType?: string
  responseType?: string
}

const METHODS = new Set(['OPTIONS', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'TRACE', 'CONNECT'])

function encodeQuery(data: Record<string, unknown>): string {
  return Object.entries(data)
    .map(
      ([k, v]) =>
        `${encodeURIComponent(k)}=${encodeURIComponent(typeof v === 'object' ? JSON.stringify(v) : String(v))}`,
    )
    .join('&')
}

/**
 * wx.request as the base library behaves:
 * - any HTTP status is a success (`statusCode` tells), only network failures and timeouts reach `fail`;
 * - GET data becomes the query string; other methods send objects as JSON unless content-type says
 *   application/x-www-form-urlencoded;
 * - dataType 'json' (default) parses the body when it is JSON and leaves it a string otherwise;
 * - returns a RequestTask with abort().
 * Not reproduced: the 合法域名 allow-list and the 10 concurrent-request cap.
 */
export function networkApis(state: ClientState, exchange: HttpExchanger) {
  return {
    request(options: RequestOptions = {}) {
      const method = String(options.method ?? 'GET').toUpperCase()
      const timeoutMs = typeof options.timeout === 'number' && options.timeout > 0 ? options.timeout : 60_000
      const run = async (finish: Finish, aborted: () => boolean) => {
        if (typeof options.url !== 'string' || !/^https?:\/\//.test(options.url)) {
          return finish(false, { errMsg: `request:fail invalid url "${options.url}"`, errno: 600009 })
        }
        if (!METHODS.has(method))
          return finish(false, { errMsg: `request:fail parameter error: method ${method} not supported` })
        const header = lowerCaseHeaders(options.header)
        let url = options.url
        let body: string | undefined
        const data = options.data
        if (method === 'GET' || method === 'HEAD') {
          if (data && typeof data === 'object')
            url += (url.includes('?') ? '&' : '?') + encodeQuery(data as Record<string, unknown>)
        } else if (data !== undefined && data !== null) {
          if (typeof data === 'string') body = data
          else if (/application\/x-www-form-urlencoded/i.test(header['content-type'] ?? ''))
            body = encodeQuery(data as Record<string, unknown>)
          else {
            body = JSON.stringify(data)
            header['content-type'] ??= 'application/json'
          }
        }
        const outcome = await exchangeWithin(exchange, { url, method, header, body, timeoutMs })
        if (aborted()) return
        if ('failure' in outcome)
          return finish(false, { errMsg: `request:fail ${outcome.failure}`, errno: outcome.errno })
        const answer = outcome.answer
        let parsed: unknown = answer.body
        if ((options.dataType ?? 'json') === 'json') {
          try {
            parsed = JSON.parse(answer.body)
          } catch {
            parsed = answer.body
          }
        }
        state.calls.push(`request:${method} ${new URL(url).pathname}`)
        finish(true, {
          data: parsed,
          statusCode: answer.statusCode,
          header: answer.header,
          cookies: [],
          errMsg: 'request:ok',
        })
      }
      return networkTask('request', options, run, {
        onHeadersReceived: () => undefined,
        offHeadersReceived: () => undefined,
        onChunkReceived: () => undefined,
        offChunkReceived: () => undefined,
      })
    },
  }
}
