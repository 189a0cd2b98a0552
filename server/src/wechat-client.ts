import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'

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

export interface WeChatApi {
  code2Session(code: string): Promise<Code2SessionResult>
  getPhoneNumber(code: string): Promise<PhoneResult>
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
}

type Json = Record<string, unknown>

/** One HTTP exchange; WeChat answers JSON even as text/plain (jscode2session does), so the body is parsed regardless. */
function exchange(url: URL, method: 'GET' | 'POST', body: Json | undefined, timeoutMs: number): Promise<Json> {
  const send = url.protocol === 'https:' ? httpsRequest : url.protocol === 'http:' ? httpRequest : null
  if (!send) return Promise.reject(new WeChatUnavailable(`unsupported protocol ${url.protocol}`))
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body))
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      {
        method,
        timeout: timeoutMs,
        headers: payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {},
      },
      (res) => {
        const chunks: Buffer[] = []
        let size = 0
        res.on('data', (chunk: Buffer) => {
          size += chunk.length
          if (size > 1024 * 1024) req.destroy(new WeChatUnavailable('response too large'))
          else chunks.push(chunk)
        })
        res.on('end', () => {
          if ((res.statusCode ?? 0) >= 500) return reject(new WeChatUnavailable(`HTTP ${res.statusCode}`))
          try {
            const json = JSON.parse(Buffer.concat(chunks).toString('utf8'))
            if (!json || typeof json !== 'object' || Array.isArray(json)) throw new Error('not an object')
            resolve(json as Json)
          } catch {
            reject(new WeChatUnavailable(`HTTP ${res.statusCode}: not a JSON object`))
          }
        })
        res.on('error', (e) => reject(new WeChatUnavailable(e.message)))
      },
    )
    req.on('timeout', () => req.destroy(new WeChatUnavailable(`no answer within ${timeoutMs} ms`)))
    req.on('error', (e) => reject(e instanceof WeChatUnavailable ? e : new WeChatUnavailable(e.message)))
    req.end(payload)
  })
}

const errOf = (json: Json) => ({ ok: false as const, errcode: Number(json.errcode), errmsg: String(json.errmsg ?? '') })

export function createWeChatClient(options: WeChatClientOptions): WeChatApi {
  const base = options.baseUrl.replace(/\/+$/, '')
  const timeoutMs = options.timeoutMs ?? 5000
  const now = options.now ?? Date.now
  let accessToken: { value: string; until: number } | null = null

  async function stableToken(forceRefresh: boolean): Promise<string> {
    if (!forceRefresh && accessToken && accessToken.until > now()) return accessToken.value
    const json = await exchange(
      new URL(`${base}/cgi-bin/stable_token`),
      'POST',
      {
        grant_type: 'client_credential',
        appid: options.appid,
        secret: options.secret,
        force_refresh: forceRefresh,
      },
      timeoutMs,
    )
    if (typeof json.access_token !== 'string' || !json.access_token) {
      throw new WeChatUnavailable(`stable_token failed: ${json.errcode} ${json.errmsg}`)
    }
    const ttl = typeof json.expires_in === 'number' ? json.expires_in : 7200
    // renew five minutes early so a token never expires between the check and WeChat receiving it
    accessToken = { value: json.access_token, until: now() + Math.max(60, ttl - 300) * 1000 }
    return accessToken.value
  }

  return {
    async code2Session(code) {
      const url = new URL(`${base}/sns/jscode2session`)
      url.searchParams.set('appid', options.appid)
      url.searchParams.set('secret', options.secret)
      url.searchParams.set('js_code', code)
      url.searchParams.set('grant_type', 'authorization_code')
      const json = await exchange(url, 'GET', undefined, timeoutMs)
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

    async getPhoneNumber(code) {
      for (const retry of [false, true]) {
        const token = await stableToken(retry)
        const url = new URL(`${base}/wxa/business/getuserphonenumber`)
        url.searchParams.set('access_token', token)
        const json = await exchange(url, 'POST', { code }, timeoutMs)
        // 40001 / 42001: the access token is invalid or expired: refresh it once
        if (!retry && (json.errcode === 40001 || json.errcode === 42001)) continue
        if (json.errcode !== undefined && json.errcode !== 0) return errOf(json)
        const info = json.phone_info as Partial<PhoneInfo> | undefined
        if (!info || typeof info.phoneNumber !== 'string')
          throw new WeChatUnavailable('getuserphonenumber answered without phone_info')
        return {
          ok: true,
          phoneNumber: info.phoneNumber,
          purePhoneNumber: String(info.purePhoneNumber ?? info.phoneNumber),
          countryCode: String(info.countryCode ?? '86'),
        }
      }
      throw new WeChatUnavailable('getuserphonenumber: access token refused twice')
    },
  }
}
