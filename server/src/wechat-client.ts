import { createHmac } from 'node:crypto'
import { errors as undiciErrors, Pool } from 'undici'

/**
 * The WeChat server APIs the login server calls (api.weixin.qq.com, or the local emulator in tests):
 * `sns/jscode2session`, and for phone numbers `cgi-bin/stable_token` + `wxa/business/getuserphonenumber`.
 * appid and secret come from the environment and are only ever sent to WeChat.
 */
export type Code2SessionResult =
  | { ok: true; openid: string; sessionKey: string; unionid?: string }
  | { ok: false; errcode: number; errmsg: string }

export interface PhoneInfo {
  phoneNumber: string
  purePhoneNumber: string
  countryCode: string
}

export type PhoneResult = ({ ok: true } & PhoneInfo) | { ok: false; errcode: number; errmsg: string }

/** Not a WeChat errcode: getuserphonenumber answered success without a number (the cloud's PHONE_UNAVAILABLE). */
export const NO_PHONE_INFO = -90001

/** security.msgSecCheck v2's verdict: `pass`, `review` or `risky` (anything but `pass` is refused). */
export type TextCheckResult = { ok: true; suggest: string } | { ok: false; errcode: number; errmsg: string }

export interface WeChatApi {
  code2Session(code: string): Promise<Code2SessionResult>
  /**
   * The number behind the phone button's dynamic code. With `openid`, WeChat checks that the code is that
   * user's ("填入后会校验 openid 和 code 的绑定关系"), so a code taken from someone else's button is refused.
   */
  getPhoneNumber(code: string, openid?: string): Promise<PhoneResult>
  /**
   * WeChat's content check of a user's text (wxa/msg_sec_check, version 2, scene 1 = 资料), for nicknames.
   * https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/sec-center/sec-check/msgSecCheck.html
   */
  checkText(openid: string, content: string): Promise<TextCheckResult>
  /**
   * Whether WeChat still holds this session_key for the user (wxa/checksession): asked before decrypting
   * open data with it, so a key a newer wx.login replaced is not trusted.
   * https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/user-login/checkSessionKey.html
   */
  checkSessionKey(openid: string, sessionKey: string): Promise<boolean>
}

/**
 * Where WeChat's access token lives (db/store.ts keeps it in PostgreSQL so every instance shares it):
 * `current` reads it, `refresh` fetches a new one at most once across instances.
 */
export interface AccessTokenCache {
  current(): Promise<string | null>
  refresh(fetchFresh: () => Promise<{ token: string; expiresAt: Date }>, refused?: string): Promise<string>
}

/** One process's cache, for a client used without a store. */
export function memoryTokenCache(now: () => number = Date.now): AccessTokenCache {
  let held: { token: string; expiresAt: Date } | null = null
  return {
    current: async () => (held && held.expiresAt.getTime() > now() ? held.token : null),
    async refresh(fetchFresh, refused) {
      if (held && held.token !== refused && held.expiresAt.getTime() > now()) return held.token
      held = await fetchFresh()
      return held.token
    },
  }
}

/** WeChat could not be reached, timed out, or answered something that is not its JSON. */
export class WeChatUnavailable extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'WeChatUnavailable'
  }
}

export interface WeChatClientOptions {
  /** https://api.weixin.qq.com in production; the emulator's URL in tests */
  baseUrl: string
  appid: string
  secret: string
  timeoutMs?: number
  now?: () => number
  /** shared access-token storage; default: this process only */
  tokens?: AccessTokenCache
}

type Json = Record<string, unknown>

/** WeChat's answers are a few hundred bytes; anything past this is not WeChat (or not its API) talking. */
const MAX_ANSWER_BYTES = 1024 * 1024

/** Where WeChat is: a keep-alive connection pool to its origin, and the base path under it. */
interface Endpoint {
  pool: Pool
  basePath: string
}

/**
 * undici (Node's own HTTP client, as a library) rather than node:http: a call costs about a third of the CPU, and
 * a login makes one. Connections stay open between calls (a login's jscode2session should not pay a TCP and TLS
 * handshake) and close after 5 s idle; HTTPS verifies WeChat's certificate and name (undici's defaults, as Node's).
 * The timeout bounds connecting, waiting for the answer's headers and each pause in its body.
 */
function endpointOf(baseUrl: string, timeoutMs: number): Endpoint | null {
  const url = new URL(baseUrl)
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null
  return {
    pool: new Pool(url.origin, {
      keepAliveTimeout: 5000,
      connect: { timeout: timeoutMs },
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      maxResponseSize: MAX_ANSWER_BYTES,
    }),
    basePath: url.pathname.replace(/\/+$/, ''),
  }
}

/** A path with its query (URL-encoded) under the endpoint's base path. */
const pathWith = (endpoint: Endpoint, path: string, query: Record<string, string>) =>
  `${endpoint.basePath}${path}?${new URLSearchParams(query).toString()}`

const JSON_REQUEST_HEADERS = { 'content-type': 'application/json' }

/** Why a call got no usable answer, said the way the logs and WeChatUnavailable say it. */
function unavailable(error: Error, timeoutMs: number): WeChatUnavailable {
  if (error instanceof WeChatUnavailable) return error
  if (error instanceof undiciErrors.ResponseExceededMaxSizeError) return new WeChatUnavailable('response too large')
  if (
    error instanceof undiciErrors.HeadersTimeoutError ||
    error instanceof undiciErrors.BodyTimeoutError ||
    error instanceof undiciErrors.ConnectTimeoutError
  )
    return new WeChatUnavailable(`no answer within ${timeoutMs} ms`)
  return new WeChatUnavailable(error.message)
}

/**
 * One HTTP exchange; WeChat answers JSON even as text/plain (jscode2session does), so the body is parsed regardless.
 * Through undici's dispatch with a handler of our own: the answer is a few hundred bytes, collected as they come,
 * without the stream a `request()` wraps them in.
 */
function exchange(
  endpoint: Endpoint | null,
  path: string,
  method: 'GET' | 'POST',
  body: Json | undefined,
  timeoutMs: number,
): Promise<Json> {
  if (!endpoint) return Promise.reject(new WeChatUnavailable('unsupported protocol'))
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let status = 0
    try {
      endpoint.pool.dispatch(
        body === undefined
          ? { path, method }
          : { path, method, headers: JSON_REQUEST_HEADERS, body: Buffer.from(JSON.stringify(body)) },
        {
          onConnect() {},
          onError: (e) => reject(unavailable(e, timeoutMs)),
          onHeaders(statusCode) {
            status = statusCode
            return true
          },
          onData(chunk) {
            chunks.push(chunk)
            return true
          },
          onComplete() {
            if (status >= 500) return reject(new WeChatUnavailable(`HTTP ${status}`))
            try {
              const text = (chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)).toString('utf8')
              const json: unknown = JSON.parse(text)
              if (!json || typeof json !== 'object' || Array.isArray(json)) throw new Error('not an object')
              resolve(json as Json)
            } catch {
              reject(new WeChatUnavailable(`HTTP ${status}: not a JSON object`))
            }
          },
        },
      )
    } catch (e) {
      reject(unavailable(e instanceof Error ? e : new Error(String(e)), timeoutMs))
    }
  })
}

const errOf = (json: Json) => ({ ok: false as const, errcode: Number(json.errcode), errmsg: String(json.errmsg ?? '') })

export function createWeChatClient(options: WeChatClientOptions): WeChatApi {
  const timeoutMs = options.timeoutMs ?? 5000
  const endpoint = endpointOf(options.baseUrl, timeoutMs)
  // jscode2session's query but the code, made once (appid and secret never change for a client)
  const code2SessionPath = endpoint
    ? `${pathWith(endpoint, '/sns/jscode2session', {
        appid: options.appid,
        secret: options.secret,
        grant_type: 'authorization_code',
      })}&js_code=`
    : ''
  const now = options.now ?? Date.now
  const tokens = options.tokens ?? memoryTokenCache(now)

  /**
   * POST cgi-bin/stable_token: WeChat's stable access token, valid 2 hours; renewed five minutes early so it
   * never expires between the check and WeChat receiving it. force_refresh only after WeChat refused it.
   * https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/mp-access-token/getStableAccessToken.html
   */
  const fetchStableToken = (forceRefresh: boolean) => async () => {
    const json = await exchange(
      endpoint,
      `${endpoint?.basePath ?? ''}/cgi-bin/stable_token`,
      'POST',
      { grant_type: 'client_credential', appid: options.appid, secret: options.secret, force_refresh: forceRefresh },
      timeoutMs,
    )
    if (typeof json.access_token !== 'string' || !json.access_token) {
      throw new WeChatUnavailable(`stable_token failed: ${json.errcode} ${json.errmsg}`)
    }
    const ttl = typeof json.expires_in === 'number' ? json.expires_in : 7200
    return { token: json.access_token, expiresAt: new Date(now() + Math.max(60, ttl - 300) * 1000) }
  }

  async function accessToken(refused?: string): Promise<string> {
    if (!refused) {
      const current = await tokens.current()
      if (current) return current
    }
    return tokens.refresh(fetchStableToken(refused !== undefined), refused)
  }

  /** A call with the access token; 40001 / 42001 (invalid / expired token) refresh it once and repeat. */
  async function withAccessToken(call: (token: string) => Promise<Json>): Promise<Json> {
    const token = await accessToken()
    const json = await call(token)
    if (json.errcode !== 40001 && json.errcode !== 42001) return json
    return call(await accessToken(token))
  }

  return {
    async code2Session(code) {
      const json = await exchange(
        endpoint,
        `${code2SessionPath}${encodeURIComponent(code)}`,
        'GET',
        undefined,
        timeoutMs,
      )
      // success carries no errcode (or errcode 0 on older answers)
      if (json.errcode !== undefined && json.errcode !== 0) return errOf(json)
      if (
        typeof json.openid !== 'string' ||
        typeof json.session_key !== 'string' ||
        !json.openid ||
        !json.session_key
      ) {
        throw new WeChatUnavailable('jscode2session answered without openid/session_key')
      }
      return {
        ok: true,
        openid: json.openid,
        sessionKey: json.session_key,
        ...(typeof json.unionid === 'string' && json.unionid ? { unionid: json.unionid } : {}),
      }
    },

    /** https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/user-info/phone-number/getPhoneNumber.html */
    async getPhoneNumber(code, openid) {
      const json = await withAccessToken((token) => {
        const path = endpoint && pathWith(endpoint, '/wxa/business/getuserphonenumber', { access_token: token })
        return exchange(endpoint, path ?? '', 'POST', { code, ...(openid ? { openid } : {}) }, timeoutMs)
      })
      if (json.errcode !== undefined && json.errcode !== 0) return errOf(json)
      const info = json.phone_info as Partial<PhoneInfo> | undefined
      if (!info || (typeof info.phoneNumber !== 'string' && typeof info.purePhoneNumber !== 'string'))
        return { ok: false, errcode: NO_PHONE_INFO, errmsg: 'answered without phone_info' }
      return {
        ok: true,
        phoneNumber: String(info.phoneNumber ?? info.purePhoneNumber),
        purePhoneNumber: String(info.purePhoneNumber ?? info.phoneNumber),
        countryCode: String(info.countryCode ?? '86'),
      }
    },

    async checkText(openid, content) {
      const json = await withAccessToken((token) => {
        const path = endpoint && pathWith(endpoint, '/wxa/msg_sec_check', { access_token: token })
        return exchange(endpoint, path ?? '', 'POST', { content, version: 2, scene: 1, openid }, timeoutMs)
      })
      if (json.errcode !== undefined && json.errcode !== 0) return errOf(json)
      const result = json.result as { suggest?: unknown } | undefined
      if (typeof result?.suggest !== 'string') throw new WeChatUnavailable('msg_sec_check answered without a verdict')
      return { ok: true, suggest: result.suggest }
    },

    /** GET wxa/checksession: signature = hex HMAC-SHA256 of the empty string keyed by the session_key. */
    async checkSessionKey(openid, sessionKey) {
      const json = await withAccessToken((token) => {
        const path =
          endpoint &&
          pathWith(endpoint, '/wxa/checksession', {
            access_token: token,
            openid,
            signature: createHmac('sha256', sessionKey).update('').digest('hex'),
            sig_method: 'hmac_sha256',
          })
        return exchange(endpoint, path ?? '', 'GET', undefined, timeoutMs)
      })
      if (json.errcode === undefined || json.errcode === 0) return true
      if (json.errcode === 87009) return false // invalid signature: not the user's current session_key
      throw new WeChatUnavailable(`checksession failed: ${json.errcode} ${json.errmsg}`)
    },
  }
}
