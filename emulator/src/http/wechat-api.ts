import type { IncomingMessage, ServerResponse } from 'node:http'
import { createCipheriv, createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { readBody } from './body'
import { CloudError } from '../core/errors'
import { boundPhoneNumber, phoneInfo } from '../cloud-openapi/phone-info'
import { servicesOf, type Services } from '../core/services'
import { wechatRid } from '../core/wechat-rid'
import type { WxacodeApi } from '../cloud-openapi/wxacode'

/**
 * WeChat's own server API (api.weixin.qq.com) as a developer's backend calls it, for the classic login flow
 * without WeChat Cloud (server/): `GET /sns/jscode2session`.
 *
 * Answers exactly like WeChat: HTTP 200 with a JSON body sent as `text/plain` (jscode2session's real
 * content type), `{openid, session_key, unionid?}` on success (no errcode), `{errcode, errmsg}` otherwise:
 *   41002 appid missing · 41004 appsecret missing · 41008 missing code · 40002 invalid grant_type
 *   40013 invalid appid · 40125 invalid appsecret · 40029 invalid code (unknown or expired, 5 minutes)
 *   40163 code been used · 45011 minute quota (100 per user per minute, configurable) · -1 system error
 * Faults: `faults.add({ service: 'auth', action: 'jscode2session', wxErrcode: { errcode, errmsg } })`.
 */

/** WeChat's documented code2Session limit: 100 calls per user per minute. */
export const JSCODE2SESSION_PER_MINUTE = 100

interface WeChatApiState {
  /** the stable access token (cgi-bin/stable_token) and when it expires */
  accessToken: { value: string; expiresAt: number } | null
  perMinute: number
  /** openid -> calls in the current minute window */
  windows: Map<string, { start: number; count: number }>
}

const states = new WeakMap<object, WeChatApiState>()

function stateOf(services: Services): WeChatApiState {
  let state = states.get(services.ctx)
  if (!state) {
    state = { accessToken: null, perMinute: JSCODE2SESSION_PER_MINUTE, windows: new Map() }
    states.set(services.ctx, state)
  }
  return state
}

/** Tests lower the per-user minute quota to reach 45011 quickly. */
export function configureWeChatApi(emulator: Services | object, options: { jscode2sessionPerMinute?: number }): void {
  const state = stateOf(servicesOf(emulator))
  if (options.jscode2sessionPerMinute !== undefined) {
    if (!Number.isInteger(options.jscode2sessionPerMinute) || options.jscode2sessionPerMinute < 1) {
      throw new RangeError('jscode2sessionPerMinute must be a positive integer')
    }
    state.perMinute = options.jscode2sessionPerMinute
  }
  state.windows.clear()
}

const appSecrets = new Map<string, string>()

/**
 * The AppSecret the emulated WeChat expects for this appid: derived, so every emulator run agrees on it and
 * no real secret is ever needed or committed. A backend under test reads it from here.
 */
export function emulatorAppSecret(appid: string): string {
  let secret = appSecrets.get(appid)
  if (secret === undefined) {
    secret = createHash('sha256').update(`weauth-emulator-appsecret:${appid}`).digest('hex').slice(0, 32)
    // every jscode2session checks it: derived once per appid (only appids the emulator knows are ever asked)
    appSecrets.set(appid, secret)
  }
  return secret
}

/** WeChat appends a request id to every errmsg: "invalid code, rid: 668f2aa4-51c08c03-3d141241". */
const wxError = (errcode: number, errmsg: string) => ({ errcode, errmsg: `${errmsg}, rid: ${wechatRid()}` })

function sendText(res: ServerResponse, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

function sendJson(res: ServerResponse, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

async function jsonBody(req: IncomingMessage): Promise<Record<string, unknown> | null> {
  try {
    return await readBody(req)
  } catch {
    return null
  }
}

/** The HTTPS paths of the 云调用 names (each doc page lists both), e.g. getUnlimitedQRCode's POST /wxa/getwxacodeunlimit. */
const WXACODE_PATHS: Record<string, WxacodeApi> = {
  '/wxa/getwxacode': 'wxacode.get',
  '/wxa/getwxacodeunlimit': 'wxacode.getUnlimited',
  '/cgi-bin/wxaapp/createwxaqrcode': 'wxacode.createQRCode',
}

/** Handles WeChat server-API paths (`url`: the request's, parsed); returns false for anything else (the emulator's own routes). */
export async function handleWeChatApi(
  services: Services,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<boolean> {
  switch (url.pathname) {
    case '/sns/jscode2session':
      // WeChat reads the query string whatever the method; drain any body
      req.resume()
      sendText(res, await jscode2session(services, url.searchParams))
      return true
    case '/cgi-bin/stable_token': {
      const body = req.method === 'POST' ? await jsonBody(req) : null
      sendJson(res, body ? stableToken(services, body) : wxError(47001, 'data format error'))
      return true
    }
    case '/wxa/business/getuserphonenumber':
    case '/wxa/msg_sec_check': {
      const body = req.method === 'POST' ? await jsonBody(req) : null
      const refused = accessTokenRefusal(services, url.searchParams.get('access_token'))
      if (refused) sendJson(res, refused)
      else if (!body) sendJson(res, wxError(47001, 'data format error'))
      else if (url.pathname === '/wxa/msg_sec_check')
        sendJson(res, services.openapi.callJson('security.msgSecCheck', body))
      else sendJson(res, await getUserPhoneNumber(services, body))
      return true
    }
    case '/cgi-bin/message/subscribe/send': {
      // subscribeMessage.send over HTTPS (sendMessage's own page lists both)
      const body = req.method === 'POST' ? await jsonBody(req) : null
      const refused = accessTokenRefusal(services, url.searchParams.get('access_token'))
      if (refused) sendJson(res, refused)
      else if (!body) sendJson(res, wxError(47001, 'data format error'))
      else sendJson(res, await services.openapi.sendSubscribeMessage(body))
      return true
    }
    case '/wxa/getwxacode':
    case '/wxa/getwxacodeunlimit':
    case '/cgi-bin/wxaapp/createwxaqrcode': {
      const body = req.method === 'POST' ? await jsonBody(req) : null
      const refused = accessTokenRefusal(services, url.searchParams.get('access_token'))
      if (refused) sendJson(res, refused)
      else if (!body) sendJson(res, wxError(47001, 'data format error'))
      else {
        const answer = await services.openapi.wxacode(WXACODE_PATHS[url.pathname], body)
        if (answer.ok) {
          res.writeHead(200, { 'content-type': answer.contentType, 'content-length': answer.body.length })
          res.end(answer.body)
        } else sendJson(res, { errcode: answer.errcode, errmsg: answer.errmsg })
      }
      return true
    }
    case '/wxa/checksession':
      req.resume()
      sendJson(
        res,
        accessTokenRefusal(services, url.searchParams.get('access_token')) ??
          (await checkSession(services, url.searchParams)),
      )
      return true
  }
  return false
}

/** How long WeChat's access token lives: "有效期目前为 2 个小时" (7200 s). */
export const ACCESS_TOKEN_TTL_SECONDS = 7200

/**
 * POST /cgi-bin/stable_token {grant_type: client_credential, appid, secret, force_refresh?}: the stable access
 * token. While it is valid every call answers the same token (with its remaining lifetime); force_refresh
 * issues a new one and the old one stops working.
 * https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/mp-access-token/getStableAccessToken.html
 */
export function stableToken(services: Services, body: Record<string, unknown>): Record<string, unknown> {
  services.ctx.count('wechat.stable_token')
  const { grant_type, appid, secret, force_refresh } = body
  if (grant_type !== 'client_credential') return wxError(40002, 'invalid grant_type')
  if (typeof appid !== 'string' || !appid) return wxError(41002, 'appid missing')
  if (typeof secret !== 'string' || !secret) return wxError(41004, 'appsecret missing')
  if (appid !== services.ctx.appid) return wxError(40013, 'invalid appid')
  if (secret !== emulatorAppSecret(appid)) return wxError(40125, 'invalid appsecret')
  const state = stateOf(services)
  const now = services.ctx.now()
  if (force_refresh === true || !state.accessToken || state.accessToken.expiresAt <= now) {
    state.accessToken = {
      value: randomBytes(48).toString('base64url'),
      expiresAt: now + ACCESS_TOKEN_TTL_SECONDS * 1000,
    }
  }
  return { access_token: state.accessToken.value, expires_in: Math.floor((state.accessToken.expiresAt - now) / 1000) }
}

/** 41001 missing, 40001 not the current token, 42001 expired: WeChat's answers to a bad access_token. */
function accessTokenRefusal(services: Services, token: string | null): Record<string, unknown> | null {
  if (!token) return wxError(41001, 'access_token missing')
  const current = stateOf(services).accessToken
  if (!current || current.value !== token)
    return wxError(40001, 'invalid credential, access_token is invalid or not latest')
  if (current.expiresAt <= services.ctx.now()) return wxError(42001, 'access_token expired')
  return null
}

/**
 * POST /wxa/business/getuserphonenumber?access_token {code, openid?}: the phone number behind the button's
 * dynamic code (single use, 5 minutes; with openid, the code must be that user's).
 * https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/user-info/phone-number/getPhoneNumber.html
 */
async function getUserPhoneNumber(services: Services, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  services.ctx.count('wechat.getuserphonenumber')
  try {
    const rule = await services.faults.apply('openapi', 'phonenumber.getPhoneNumber')
    if (rule?.wxErrcode) return wxError(rule.wxErrcode.errcode, rule.wxErrcode.errmsg)
  } catch (e) {
    if (e instanceof CloudError) return wxError(-1, 'system error')
    throw e
  }
  return services.openapi.callJson('phonenumber.getPhoneNumber', body)
}

/**
 * GET /wxa/checksession?access_token&openid&signature&sig_method=hmac_sha256: whether the session_key the
 * caller holds is the user's current one; signature = hex HMAC-SHA256 of the empty string keyed by it.
 * 87009 "invalid signature" otherwise.
 * https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/user-login/checkSessionKey.html
 */
async function checkSession(services: Services, query: URLSearchParams): Promise<Record<string, unknown>> {
  services.ctx.count('wechat.checksession')
  const openid = query.get('openid')
  const signature = query.get('signature') ?? ''
  if (!openid) return wxError(40003, 'invalid openid')
  if (query.get('sig_method') !== 'hmac_sha256') return wxError(87010, 'invalid sig_method')
  const account = await services.accounts.byOpenid(openid)
  if (!account?.sessionKey) return wxError(87009, 'invalid signature')
  const expected = Buffer.from(createHmac('sha256', account.sessionKey).update('').digest('hex'))
  const given = Buffer.from(signature)
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return wxError(87009, 'invalid signature')
  return { errcode: 0, errmsg: 'ok' }
}

export async function jscode2session(services: Services, query: URLSearchParams): Promise<Record<string, unknown>> {
  services.ctx.count('wechat.jscode2session')
  const appid = query.get('appid')
  const secret = query.get('secret')
  const code = query.get('js_code')
  if (!appid) return wxError(41002, 'appid missing')
  if (!secret) return wxError(41004, 'appsecret missing')
  if (!code) return wxError(41008, 'missing code')
  if (query.get('grant_type') !== 'authorization_code') return wxError(40002, 'invalid grant_type')
  // the emulator's own appid, or another mini program it simulates (an Open Platform member or a sharing app)
  if (!services.accounts.openPlatform.knows(appid)) return wxError(40013, 'invalid appid')
  if (secret !== emulatorAppSecret(appid)) return wxError(40125, 'invalid appsecret')

  try {
    const rule = await services.faults.apply('auth', 'jscode2session')
    if (rule?.wxErrcode) return wxError(rule.wxErrcode.errcode, rule.wxErrcode.errmsg)
  } catch (e) {
    if (e instanceof CloudError) return wxError(-1, 'system error')
    throw e
  }

  const result = await services.accounts.code2Session(code, appid)
  if (!result.ok) return wxError(result.errcode, result.errmsg)

  // the quota is per user; WeChat counts the call whatever its outcome, so the code is spent either way
  const state = stateOf(services)
  const now = services.ctx.now()
  const window = state.windows.get(result.openid)
  if (!window || now - window.start >= 60_000) state.windows.set(result.openid, { start: now, count: 1 })
  else if (++window.count > state.perMinute)
    return wxError(45011, 'api minute-quota reach limit  mustslower  retry next minute')

  return {
    session_key: result.session_key,
    openid: result.openid,
    ...(result.unionid ? { unionid: result.unionid } : {}),
  }
}

// ---- open data: what WeChat hands the page, encrypted with the user's session_key ----------------------

export interface OpenDataPackage {
  encryptedData: string
  iv: string
  /** userInfo only: the plain profile and sha1(rawData + session_key) */
  rawData?: string
  signature?: string
}

/** AES-128-CBC, PKCS#7, key = base64-decoded session_key: WeChat's open-data encryption. */
export function encryptOpenData(
  payload: unknown,
  sessionKey: string,
  iv: Buffer = randomBytes(16),
): { encryptedData: string; iv: string } {
  const cipher = createCipheriv('aes-128-cbc', Buffer.from(sessionKey, 'base64'), iv)
  const encrypted = Buffer.concat([cipher.update(JSON.stringify(payload), 'utf8'), cipher.final()])
  return { encryptedData: encrypted.toString('base64'), iv: iv.toString('base64') }
}

export interface OpenDataOptions {
  /** watermark timestamp in seconds; defaults to now */
  timestamp?: number
  /** watermark appid; defaults to the emulator's (tests forge others) */
  appid?: string
}

/**
 * The open data the WeChat client returns for this account right now: `phone` as getPhoneNumber answered
 * before base library 2.21.2, `userInfo` as getUserProfile/getUserInfo answer (rawData + signature too).
 * Encrypted with the session_key of the account's latest wx.login, which is what jscode2session gave the
 * backend, so a backend can decrypt it exactly as it would WeChat's.
 */
export async function issueOpenData(
  emulator: Services | object,
  openid: string,
  kind: 'phone' | 'userInfo',
  options: OpenDataOptions = {},
): Promise<OpenDataPackage> {
  const services = servicesOf(emulator)
  const account = await services.accounts.byOpenid(openid)
  if (!account) throw new CloudError('INVALID_PARAM', `no simulated WeChat account ${openid}`)
  if (!account.sessionKey)
    throw new CloudError('INVALID_PARAM', 'the account has no WeChat session: call wx.login first')
  const watermark = {
    timestamp: options.timestamp ?? Math.floor(services.ctx.now() / 1000),
    appid: options.appid ?? services.ctx.appid,
  }
  if (kind === 'phone') {
    return encryptOpenData(
      phoneInfo(boundPhoneNumber(account), account.countryCode || '86', watermark),
      account.sessionKey,
    )
  }
  const profile = {
    nickName: account.nickName,
    gender: 0,
    language: 'zh_CN',
    city: '',
    province: '',
    country: '',
    avatarUrl: account.avatarUrl,
  }
  const rawData = JSON.stringify(profile)
  const signature = createHash('sha1')
    .update(rawData + account.sessionKey, 'utf8')
    .digest('hex')
  const sealed = encryptOpenData(
    { openId: account.openid, ...profile, ...(account.unionid ? { unionId: account.unionid } : {}), watermark },
    account.sessionKey,
  )
  return { ...sealed, rawData, signature }
}
