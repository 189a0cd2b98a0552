import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import * as v from 'valibot'
import type { ErrorCode } from '../../packages/contract/errors'
import { ConsentVersion, NICKNAME_MAX, NickName } from '../../packages/contract/schemas'
import { toPublicUser, type PublicUser } from '../../packages/contract/user-view'
import { decryptData, OpenDataError, verifyRawData } from './decrypt'
import type { AuthStore, UserRecord } from './store'
import { signAccessToken, TOKEN_ISSUER, TokenError, verifyAccessToken, type AccessClaims } from './tokens'
import { WeChatUnavailable, type WeChatApi } from './wechat-client'
import type { ServerConfig } from './config'

/**
 * The reference login server: WeChat's classic flow without WeChat Cloud.
 *
 *   wx.login -> POST /auth/login {code} -> jscode2session -> user upsert -> signed access token
 *
 * The contract (paths, bodies, error codes) is server/openapi.yaml; a Flask, ASP.NET or Spring service that
 * implements it works with the mini program's `http` auth provider unchanged. Replies use the cloud
 * functions' shape: `{ ok: true, ... }` or `{ ok: false, code, message }` with a matching HTTP status.
 * The session_key never appears in a reply or a log line.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message)
  }
}

export const MAX_BODY_BYTES = 16 * 1024
export { NICKNAME_MAX }

export interface AuthAppDeps {
  config: Pick<ServerConfig, 'appid' | 'tokenSecret' | 'tokenTtlSeconds' | 'openDataMaxAgeSeconds'>
  store: AuthStore
  wechat: WeChatApi
  /** ms since epoch; tests move it to expire tokens */
  now?: () => number
  /** one structured line per notable event; never receives tokens or session keys */
  log?: (entry: Record<string, unknown>) => void
}

/** What a client may see of a user: the same view the `login` cloud function returns (src/services/auth/types.ts). */
export function publicUser(user: UserRecord): PublicUser {
  return toPublicUser({
    id: user._id,
    nickName: user.nickName,
    avatar: user.avatarUrl,
    phoneNumber: user.phoneNumber,
    createdAt: user.createdAt,
    lastLoginAt: user.lastLoginAt,
    loginCount: user.loginCount,
    privacyConsentAt: user.privacyConsentAt,
    privacyConsentVersion: user.privacyConsentVersion,
    countryCode: user.countryCode,
  })
}

// ---- request schemas ------------------------------------------------------------------------------

const LoginBody = v.object({
  code: v.pipe(v.string('code 必须是字符串'), v.regex(/^[A-Za-z0-9_-]{1,128}$/, 'code 格式无效')),
  consentVersion: v.optional(ConsentVersion),
})

const PhoneByCode = v.object({ code: v.pipe(v.string(), v.minLength(1), v.maxLength(256)) })
const PhoneByOpenData = v.object({
  encryptedData: v.pipe(v.string(), v.minLength(1), v.maxLength(8192)),
  iv: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
})

const AvatarUrl = v.pipe(
  v.string(),
  v.maxLength(512),
  v.url('头像地址无效'),
  v.regex(/^https?:\/\//, '头像地址必须是 http(s) 地址'),
)
const ProfileFields = v.pipe(
  v.object({ nickName: v.optional(NickName), avatarUrl: v.optional(AvatarUrl) }),
  v.check((p) => p.nickName !== undefined || p.avatarUrl !== undefined, '没有要保存的资料'),
)
const SignedProfile = v.object({
  rawData: v.pipe(v.string(), v.minLength(2), v.maxLength(4096)),
  signature: v.pipe(v.string(), v.maxLength(64)),
})

function parse<S extends v.GenericSchema>(schema: S, body: unknown): v.InferOutput<S> {
  const result = v.safeParse(schema, body)
  if (result.success) return result.output
  const issue = result.issues[0]
  const path = issue.path?.map((p) => String(p.key)).join('.') || 'body'
  throw new HttpError(400, 'INVALID_INPUT', `${path}: ${issue.message}`)
}

// ---- HTTP plumbing --------------------------------------------------------------------------------

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  })
  res.end(text)
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const declared = Number(req.headers['content-length'] ?? 0)
  if (declared > MAX_BODY_BYTES)
    throw new HttpError(413, 'PAYLOAD_TOO_LARGE', `the body is larger than ${MAX_BODY_BYTES} bytes`)
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY_BYTES)
      throw new HttpError(413, 'PAYLOAD_TOO_LARGE', `the body is larger than ${MAX_BODY_BYTES} bytes`)
    chunks.push(chunk as Buffer)
  }
  if (size === 0) return {}
  const type = String(req.headers['content-type'] ?? '')
  if (!/^application\/json\b/i.test(type))
    throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json')
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'))
  } catch {
    throw new HttpError(400, 'INVALID_INPUT', 'the body is not valid JSON')
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new HttpError(400, 'INVALID_INPUT', 'the body must be a JSON object')
  return parsed as Record<string, unknown>
}

const UNAUTHORIZED = (code: 'NOT_LOGGED_IN' | 'TOKEN_EXPIRED', message: string) =>
  new HttpError(401, code, message, {
    'www-authenticate': `Bearer realm="weauth", error="invalid_token", error_description="${code === 'TOKEN_EXPIRED' ? 'expired' : 'invalid'}"`,
  })

// ---- the application ------------------------------------------------------------------------------

export interface AuthApp {
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>
}

export function createAuthApp(deps: AuthAppDeps): AuthApp {
  const { config, store, wechat } = deps
  const now = deps.now ?? Date.now
  const log = deps.log ?? (() => undefined)

  async function authenticate(req: IncomingMessage): Promise<{ claims: AccessClaims; user: UserRecord }> {
    const header = String(req.headers.authorization ?? '')
    const match = /^Bearer ([A-Za-z0-9._-]+)$/i.exec(header)
    if (!match) throw UNAUTHORIZED('NOT_LOGGED_IN', '请先登录')
    let claims: AccessClaims
    try {
      claims = verifyAccessToken(match[1], config.tokenSecret, { audience: config.appid, now: now() })
    } catch (e) {
      if (e instanceof TokenError && e.reason === 'expired')
        throw UNAUTHORIZED('TOKEN_EXPIRED', '登录已过期，请重新登录')
      throw UNAUTHORIZED('NOT_LOGGED_IN', '请先登录')
    }
    const session = await store.sessionById(claims.sid)
    if (!session || session.revokedAt || session.userId !== claims.sub) throw UNAUTHORIZED('NOT_LOGGED_IN', '请先登录')
    const user = await store.userById(claims.sub)
    if (!user) throw UNAUTHORIZED('NOT_LOGGED_IN', '请先登录')
    if (user.status === 'banned') throw new HttpError(403, 'ACCOUNT_BANNED', '该账号已被停用，如有疑问请联系客服')
    return { claims, user }
  }

  const requireConsent = (user: UserRecord) => {
    if (!user.privacyConsentAt) throw new HttpError(403, 'CONSENT_REQUIRED', '请先阅读并同意隐私政策')
  }

  async function login(body: Record<string, unknown>) {
    const { code, consentVersion } = parse(LoginBody, body)
    let session
    try {
      session = await wechat.code2Session(code)
    } catch (e) {
      if (e instanceof WeChatUnavailable) {
        log({ event: 'jscode2session.unavailable', reason: e.message })
        throw new HttpError(502, 'UPSTREAM', '服务暂时不可用，请稍后重试')
      }
      throw e
    }
    if (!session.ok) {
      log({ event: 'jscode2session.error', errcode: session.errcode })
      switch (session.errcode) {
        case 40029:
          throw new HttpError(400, 'WECHAT_CODE_INVALID', '登录凭证无效或已过期，请重试')
        case 40163:
          throw new HttpError(400, 'WECHAT_CODE_USED', '登录凭证已使用，请重试')
        case 45011:
          throw new HttpError(429, 'RATE_LIMITED', '操作太频繁，请稍后再试', { 'retry-after': '60' })
        case 40226:
          throw new HttpError(403, 'RISKY_USER', '当前微信账号存在风险，暂时无法登录')
        case -1:
          throw new HttpError(502, 'UPSTREAM', '服务暂时不可用，请稍后重试')
        default:
          // 40013 invalid appid, 40125 invalid appsecret, 41002/41004/41008 missing: this server is misconfigured
          throw new HttpError(500, 'INTERNAL', '登录服务配置错误')
      }
    }
    const at = new Date(now())
    await store.saveSessionKey(session.openid, session.sessionKey, at)
    const { user, isNew } = await store.upsertOnLogin({
      openid: session.openid,
      unionid: session.unionid,
      consentVersion,
      now: at,
    })
    if (user.status === 'banned') throw new HttpError(403, 'ACCOUNT_BANNED', '该账号已被停用，如有疑问请联系客服')
    const iat = Math.floor(at.getTime() / 1000)
    const exp = iat + config.tokenTtlSeconds
    const { _id: sid } = await store.createSession(user._id, at, new Date(exp * 1000))
    const accessToken = signAccessToken(
      { sub: user._id, sid, iss: TOKEN_ISSUER, aud: config.appid, iat, exp },
      config.tokenSecret,
    )
    log({ event: 'login', userId: user._id, isNew })
    return {
      user: publicUser(user),
      isNew,
      accessToken,
      tokenType: 'Bearer',
      expiresIn: config.tokenTtlSeconds,
      expiresAt: new Date(exp * 1000).toISOString(),
    }
  }

  async function bindPhone(req: IncomingMessage, body: Record<string, unknown>) {
    const { user } = await authenticate(req)
    requireConsent(user)
    let phoneNumber: string
    let countryCode: string
    if ('code' in body) {
      // base library 2.21.2+: the button's dynamic code, exchanged with WeChat
      const { code } = parse(PhoneByCode, body)
      let result
      try {
        result = await wechat.getPhoneNumber(code)
      } catch (e) {
        if (e instanceof WeChatUnavailable) throw new HttpError(502, 'UPSTREAM', '服务暂时不可用，请稍后重试')
        throw e
      }
      if (!result.ok) {
        if (result.errcode === 40029 || result.errcode === 40163)
          throw new HttpError(400, 'PHONE_CODE_INVALID', '手机号授权已失效，请重新授权')
        if (result.errcode === 45011 || result.errcode === 45009)
          throw new HttpError(429, 'RATE_LIMITED', '操作太频繁，请稍后再试', { 'retry-after': '60' })
        throw new HttpError(502, 'UPSTREAM', '服务暂时不可用，请稍后重试')
      }
      phoneNumber = result.purePhoneNumber
      countryCode = result.countryCode
    } else {
      // older base libraries: encryptedData + iv, decrypted here with the session_key only this server holds
      const { encryptedData, iv } = parse(PhoneByOpenData, body)
      const data = await openData(user, (sessionKey) =>
        decryptData<{ purePhoneNumber?: unknown; phoneNumber?: unknown; countryCode?: unknown }>({
          encryptedData,
          iv,
          sessionKey,
          appid: config.appid,
          now: now(),
          maxAgeSeconds: config.openDataMaxAgeSeconds,
        }),
      )
      const pure = data.purePhoneNumber ?? data.phoneNumber
      if (typeof pure !== 'string' || !/^\+?\d{5,20}$/.test(pure))
        throw new HttpError(400, 'OPEN_DATA_INVALID', '数据校验失败，请重试')
      phoneNumber = pure
      countryCode = String(data.countryCode ?? '86')
    }
    const updated = await store.updateUser(user._id, { phoneNumber, countryCode })
    return { user: publicUser(updated ?? user) }
  }

  /** Runs a decrypt/verify step with the user's session_key; every failure is the same 400. */
  async function openData<T>(user: UserRecord, run: (sessionKey: string) => T): Promise<T> {
    const sessionKey = await store.sessionKeyOf(user.openid)
    try {
      if (!sessionKey) throw new OpenDataError()
      return run(sessionKey)
    } catch (e) {
      if (e instanceof OpenDataError) {
        log({ event: 'open-data.rejected', userId: user._id })
        throw new HttpError(400, 'OPEN_DATA_INVALID', '数据校验失败，请重试')
      }
      throw e
    }
  }

  async function updateProfile(req: IncomingMessage, body: Record<string, unknown>) {
    const { user } = await authenticate(req)
    requireConsent(user)
    let changes: { nickName?: string; avatarUrl?: string }
    if ('rawData' in body || 'signature' in body) {
      // wx.getUserProfile's rawData, trusted only when sha1(rawData + session_key) matches
      const { rawData, signature } = parse(SignedProfile, body)
      const signed = await openData(user, (sessionKey) =>
        verifyRawData<{ nickName?: unknown; avatarUrl?: unknown }>(rawData, signature, sessionKey),
      )
      changes = parse(ProfileFields, { nickName: signed.nickName, avatarUrl: signed.avatarUrl || undefined })
    } else {
      changes = parse(ProfileFields, { nickName: body.nickName, avatarUrl: body.avatarUrl })
    }
    const set: Partial<UserRecord> = {}
    if (changes.nickName !== undefined) set.nickName = changes.nickName
    if (changes.avatarUrl !== undefined) set.avatarUrl = changes.avatarUrl
    const updated = await store.updateUser(user._id, set)
    return { user: publicUser(updated ?? user) }
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://weauth')
    const key = `${req.method} ${url.pathname}`
    switch (key) {
      case 'GET /health':
        return send(res, 200, { ok: true })
      case 'POST /auth/login':
        return send(res, 200, { ok: true, ...(await login(await readJson(req))) })
      case 'POST /auth/phone':
        return send(res, 200, { ok: true, ...(await bindPhone(req, await readJson(req))) })
      case 'POST /auth/profile':
        return send(res, 200, { ok: true, ...(await updateProfile(req, await readJson(req))) })
      case 'GET /auth/me': {
        const { user } = await authenticate(req)
        return send(res, 200, { ok: true, user: publicUser(user) })
      }
      case 'POST /auth/logout': {
        const { claims, user } = await authenticate(req)
        await store.revokeSession(claims.sid, new Date(now()))
        log({ event: 'logout', userId: user._id })
        return send(res, 200, { ok: true })
      }
      case 'DELETE /auth/me': {
        const { user } = await authenticate(req)
        await store.deleteUser(user._id)
        log({ event: 'account.deleted', userId: user._id })
        return send(res, 200, { ok: true, deleted: { users: 1 } })
      }
    }
    const known = ['/health', '/auth/login', '/auth/phone', '/auth/profile', '/auth/me', '/auth/logout']
    if (known.includes(url.pathname))
      throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${url.pathname}`)
    throw new HttpError(404, 'NOT_FOUND', `no route ${url.pathname}`)
  }

  return {
    async handle(req, res) {
      try {
        await route(req, res)
      } catch (e) {
        if (e instanceof HttpError)
          return send(res, e.status, { ok: false, code: e.code, message: e.message }, e.headers)
        log({ event: 'internal-error', error: (e as Error)?.message ?? String(e) })
        if (!res.headersSent) send(res, 500, { ok: false, code: 'INTERNAL', message: '服务异常，请稍后重试' })
      }
    },
  }
}

export interface RunningAuthServer {
  url: string
  server: Server
  close(): Promise<void>
}

/** Listens on host:port (0 = a free port) with the given app. */
export async function listen(app: AuthApp, host = '127.0.0.1', port = 0): Promise<RunningAuthServer> {
  const server = createServer((req, res) => void app.handle(req, res))
  server.headersTimeout = 10_000
  server.requestTimeout = 15_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => resolve())
  })
  const { address, port: bound } = server.address() as AddressInfo
  const shown = address.includes(':') ? `[${address}]` : address
  return {
    url: `http://${shown}:${bound}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
