import { randomBytes } from 'node:crypto'
import {
  AuthStore,
  createAuthApp,
  listen,
  signAccessToken,
  verifyAccessToken,
  TokenError,
  WeChatUnavailable,
} from '../../server/src'
import type { Code2SessionResult, PhoneResult, RunningAuthServer, WeChatApi } from '../../server/src'
import { encryptOpenData } from '../../emulator/src/http/wechat-api'
import { signRawData } from '../../server/src/decrypt'
import { http } from '../helpers/http'

/**
 * The login server against a scripted WeChat (no emulator): contract, token lifecycle, error mapping,
 * open data. tests/server/jscode2session.test.ts runs it against the emulator's real jscode2session.
 */
const APPID = 'wx1234567890abcdef'
const TOKEN_SECRET = Buffer.from('test-token-secret-0123456789abcdef')
const TTL = 7200

class FakeWeChat implements WeChatApi {
  codes = new Map<string, { openid: string; sessionKey: string; unionid?: string; used: boolean }>()
  next: Array<Code2SessionResult | Error> = []
  phone: PhoneResult | Error = {
    ok: true,
    phoneNumber: '13912345678',
    purePhoneNumber: '13912345678',
    countryCode: '86',
  }
  calls = 0

  /** what wx.login + WeChat's side would produce for this user */
  issue(openid = `o${randomBytes(12).toString('hex')}`, sessionKey = randomBytes(16).toString('base64')) {
    const code = randomBytes(16).toString('hex')
    this.codes.set(code, { openid, sessionKey, unionid: `u-${openid}`, used: false })
    return { code, openid, sessionKey }
  }

  async code2Session(code: string): Promise<Code2SessionResult> {
    this.calls += 1
    const scripted = this.next.shift()
    if (scripted instanceof Error) throw scripted
    if (scripted) return scripted
    const entry = this.codes.get(code)
    if (!entry) return { ok: false, errcode: 40029, errmsg: 'invalid code' }
    if (entry.used) return { ok: false, errcode: 40163, errmsg: 'code been used' }
    entry.used = true
    return { ok: true, openid: entry.openid, sessionKey: entry.sessionKey, unionid: entry.unionid }
  }

  async getPhoneNumber(): Promise<PhoneResult> {
    if (this.phone instanceof Error) throw this.phone
    return this.phone
  }
}

let wechat: FakeWeChat
let store: AuthStore
let server: RunningAuthServer
let clock = Date.now()
const logs: Record<string, unknown>[] = []

beforeAll(async () => {
  wechat = new FakeWeChat()
  store = await AuthStore.open()
  const app = createAuthApp({
    config: { appid: APPID, tokenSecret: TOKEN_SECRET, tokenTtlSeconds: TTL, openDataMaxAgeSeconds: 600 },
    store,
    wechat,
    now: () => clock,
    log: (entry) => logs.push(entry),
  })
  server = await listen(app)
})
afterAll(() => server.close())
beforeEach(() => {
  clock = Date.now()
  wechat.next = []
})

const post = (path: string, body: unknown, token?: string) =>
  http(`${server.url}${path}`, { method: 'POST', body, token })
const get = (path: string, token?: string) => http(`${server.url}${path}`, { token })

async function signIn(consentVersion: string | null = '2026-11') {
  const issued = wechat.issue()
  const res = await post('/auth/login', { code: issued.code, ...(consentVersion ? { consentVersion } : {}) })
  expect(res.status).toBe(200)
  return { ...issued, token: res.json.accessToken as string, reply: res.json }
}

describe('POST /auth/login', () => {
  test('exchanges the code, creates the user, and answers the user view plus a signed, expiring token', async () => {
    const { reply, sessionKey, openid } = await signIn()
    expect(reply).toMatchObject({ ok: true, isNew: true, tokenType: 'Bearer', expiresIn: TTL })
    expect(reply.user).toEqual({
      id: expect.any(String),
      nickName: '',
      avatarFileId: '',
      phoneMasked: null,
      hasProfile: false,
      createdAt: expect.any(String),
      lastLoginAt: expect.any(String),
      loginCount: 1,
      privacyConsented: true,
      consentVersion: '2026-11',
    })
    const claims = verifyAccessToken(reply.accessToken, TOKEN_SECRET, { audience: APPID, now: clock })
    expect(claims).toMatchObject({ sub: reply.user.id, aud: APPID, iss: 'weauth' })
    expect(claims.exp - claims.iat).toBe(TTL)
    expect(Date.parse(reply.expiresAt)).toBe(claims.exp * 1000)
    // neither the session_key nor the openid ever leaves the server
    const text = JSON.stringify(reply)
    expect(text).not.toContain(sessionKey)
    expect(text).not.toContain(openid)
    expect(JSON.stringify(logs)).not.toContain(sessionKey)
    expect(await store.sessionKeyOf(openid)).toBe(sessionKey)
  })

  test('a second login of the same WeChat user signs in to the same record and counts it', async () => {
    const first = await signIn()
    const again = wechat.issue(first.openid)
    const res = await post('/auth/login', { code: again.code, consentVersion: '2026-11' })
    expect(res.json).toMatchObject({ ok: true, isNew: false, user: { id: first.reply.user.id, loginCount: 2 } })
    // the newest session_key replaces the old one: it is what the next open data is encrypted with
    expect(await store.sessionKeyOf(first.openid)).toBe(again.sessionKey)
  })

  test('concurrent first logins of one user leave exactly one record', async () => {
    const openid = `o${randomBytes(12).toString('hex')}`
    const codes = Array.from({ length: 10 }, () => wechat.issue(openid).code)
    const replies = await Promise.all(codes.map((code) => post('/auth/login', { code })))
    expect(replies.map((r) => r.status)).toEqual(Array(10).fill(200))
    expect(new Set(replies.map((r) => r.json.user.id)).size).toBe(1)
    expect((await store.userByOpenid(openid))?.loginCount).toBe(10)
  })

  test.each([
    [40029, 400, 'WECHAT_CODE_INVALID'],
    [40163, 400, 'WECHAT_CODE_USED'],
    [45011, 429, 'RATE_LIMITED'],
    [40226, 403, 'RISKY_USER'],
    [-1, 502, 'UPSTREAM'],
    [40125, 500, 'INTERNAL'],
  ])('WeChat errcode %d becomes HTTP %d %s, and no user or session is created', async (errcode, status, code) => {
    const before = await store.countUsers()
    wechat.next.push({ ok: false, errcode, errmsg: 'scripted' })
    const res = await post('/auth/login', { code: wechat.issue().code })
    expect(res.status).toBe(status)
    expect(res.json).toEqual({ ok: false, code, message: expect.any(String) })
    if (errcode === 45011) expect(res.headers['retry-after']).toBe('60')
    expect(await store.countUsers()).toBe(before)
  })

  test('a spent code is refused by WeChat and so by the server', async () => {
    const issued = wechat.issue()
    expect((await post('/auth/login', { code: issued.code })).status).toBe(200)
    const replay = await post('/auth/login', { code: issued.code })
    expect(replay.status).toBe(400)
    expect(replay.json.code).toBe('WECHAT_CODE_USED')
  })

  test('WeChat unreachable is a 502 UPSTREAM', async () => {
    wechat.next.push(new WeChatUnavailable('connect ECONNREFUSED'))
    const res = await post('/auth/login', { code: wechat.issue().code })
    expect(res.status).toBe(502)
    expect(res.json.code).toBe('UPSTREAM')
  })

  test.each([
    ['no code', {}],
    ['a non-string code', { code: 123 }],
    ['a code with illegal characters', { code: 'abc def' }],
    ['a bad consent version', { code: 'abc', consentVersion: '<script>' }],
  ])('%s is INVALID_INPUT without calling WeChat', async (_name, body) => {
    const calls = wechat.calls
    const res = await post('/auth/login', body)
    expect(res.status).toBe(400)
    expect(res.json.code).toBe('INVALID_INPUT')
    expect(wechat.calls).toBe(calls)
  })

  test('a banned user gets no token', async () => {
    const first = await signIn()
    await store.updateUser(first.reply.user.id, { status: 'banned' })
    const res = await post('/auth/login', { code: wechat.issue(first.openid).code })
    expect(res.status).toBe(403)
    expect(res.json).toMatchObject({ ok: false, code: 'ACCOUNT_BANNED' })
    expect(res.json.accessToken).toBeUndefined()
    // and the token it had before stops working
    expect((await get('/auth/me', first.token)).json.code).toBe('ACCOUNT_BANNED')
  })
})

describe('the access token', () => {
  test('GET /auth/me answers the user for a valid token and 401 without one', async () => {
    const { token, reply } = await signIn()
    const me = await get('/auth/me', token)
    expect(me.status).toBe(200)
    expect(me.json.user).toEqual(reply.user)
    const anonymous = await get('/auth/me')
    expect(anonymous.status).toBe(401)
    expect(anonymous.json.code).toBe('NOT_LOGGED_IN')
    expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer /)
  })

  test('expires after its lifetime with TOKEN_EXPIRED', async () => {
    const { token } = await signIn()
    clock += (TTL - 1) * 1000
    expect((await get('/auth/me', token)).status).toBe(200)
    clock += 2000
    const expired = await get('/auth/me', token)
    expect(expired.status).toBe(401)
    expect(expired.json.code).toBe('TOKEN_EXPIRED')
  })

  test('logout revokes it at once, before it expires', async () => {
    const { token } = await signIn()
    expect((await post('/auth/logout', {}, token)).json).toEqual({ ok: true })
    const after = await get('/auth/me', token)
    expect(after.status).toBe(401)
    expect(after.json.code).toBe('NOT_LOGGED_IN')
  })

  test('a forged, tampered or foreign token is refused', async () => {
    const { token, reply } = await signIn()
    const [h, p, s] = token.split('.')
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString())
    const forgedPayload = Buffer.from(JSON.stringify({ ...claims, sub: 'someone-else' })).toString('base64url')
    const noneHeader = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')
    const attempts = [
      `${h}.${forgedPayload}.${s}`, // payload changed, signature kept
      `${noneHeader}.${p}.`, // alg none
      signAccessToken({ ...claims, sub: reply.user.id }, Buffer.from('another-secret-another-secret-123')), // wrong key
      signAccessToken({ ...claims, aud: 'wxffffffffffffffff' }, TOKEN_SECRET), // another app
      signAccessToken({ ...claims, sid: 'no-such-session' }, TOKEN_SECRET), // unknown session
      `${token}x`,
      'not-a-token',
    ]
    for (const attempt of attempts) {
      const res = await get('/auth/me', attempt)
      expect({ attempt, status: res.status, code: res.json.code }).toEqual({
        attempt,
        status: 401,
        code: 'NOT_LOGGED_IN',
      })
    }
  })

  test('verifyAccessToken distinguishes expired from invalid', () => {
    const now = Date.now()
    const iat = Math.floor(now / 1000)
    const token = signAccessToken({ sub: 'u', sid: 's', iss: 'weauth', aud: APPID, iat, exp: iat + 10 }, TOKEN_SECRET)
    expect(verifyAccessToken(token, TOKEN_SECRET, { audience: APPID, now }).sub).toBe('u')
    expect(() => verifyAccessToken(token, TOKEN_SECRET, { audience: APPID, now: now + 11_000 })).toThrow(
      new TokenError('expired'),
    )
    expect(() => verifyAccessToken(token, Buffer.from('x'.repeat(32)), { audience: APPID, now })).toThrow(
      new TokenError('invalid'),
    )
  })
})

describe('POST /auth/phone', () => {
  test('with the dynamic code: WeChat gives the number, the client sees it masked', async () => {
    const { token } = await signIn()
    wechat.phone = { ok: true, phoneNumber: '13912345678', purePhoneNumber: '13912345678', countryCode: '86' }
    const res = await post('/auth/phone', { code: 'phone-code' }, token)
    expect(res.status).toBe(200)
    expect(res.json.user.phoneMasked).toBe('139****5678')
    expect(res.text).not.toContain('13912345678')
  })

  test('a refused phone code is PHONE_CODE_INVALID', async () => {
    const { token } = await signIn()
    wechat.phone = { ok: false, errcode: 40029, errmsg: 'invalid code' }
    const res = await post('/auth/phone', { code: 'stale' }, token)
    expect(res.status).toBe(400)
    expect(res.json.code).toBe('PHONE_CODE_INVALID')
  })

  test('with encryptedData + iv: decrypted with the session_key only the server holds', async () => {
    const { token, sessionKey } = await signIn()
    const sealed = encryptOpenData(
      {
        phoneNumber: '13700001111',
        purePhoneNumber: '13700001111',
        countryCode: '86',
        watermark: { appid: APPID, timestamp: Math.floor(clock / 1000) },
      },
      sessionKey,
    )
    const res = await post('/auth/phone', sealed, token)
    expect(res.status).toBe(200)
    expect(res.json.user.phoneMasked).toBe('137****1111')
  })

  test.each([
    [
      'another app',
      (key: string) =>
        encryptOpenData(
          {
            purePhoneNumber: '13700001111',
            watermark: { appid: 'wxffffffffffffffff', timestamp: Math.floor(clock / 1000) },
          },
          key,
        ),
    ],
    [
      'a stale watermark',
      (key: string) =>
        encryptOpenData(
          { purePhoneNumber: '13700001111', watermark: { appid: APPID, timestamp: Math.floor(clock / 1000) - 3600 } },
          key,
        ),
    ],
    [
      'another session_key',
      () =>
        encryptOpenData(
          { purePhoneNumber: '13700001111', watermark: { appid: APPID, timestamp: Math.floor(clock / 1000) } },
          randomBytes(16).toString('base64'),
        ),
    ],
    ['garbage', () => ({ encryptedData: 'AAAA', iv: 'AAAA' })],
  ])('open data from %s is the one OPEN_DATA_INVALID answer and changes nothing', async (_name, make) => {
    const { token, reply, sessionKey } = await signIn()
    const res = await post('/auth/phone', make(sessionKey), token)
    expect(res.status).toBe(400)
    expect(res.json).toEqual({ ok: false, code: 'OPEN_DATA_INVALID', message: '数据校验失败，请重试' })
    expect((await store.userById(reply.user.id))?.phoneNumber).toBeNull()
  })

  test('needs a login and consent', async () => {
    expect((await post('/auth/phone', { code: 'x' })).status).toBe(401)
    const { token } = await signIn(null)
    const res = await post('/auth/phone', { code: 'x' }, token)
    expect(res.status).toBe(403)
    expect(res.json.code).toBe('CONSENT_REQUIRED')
  })
})

describe('POST /auth/profile', () => {
  test('saves nickname and avatar URL; hasProfile follows', async () => {
    const { token } = await signIn()
    const res = await post(
      '/auth/profile',
      { nickName: '  小明  ', avatarUrl: 'https://thirdwx.qlogo.cn/a.png' },
      token,
    )
    expect(res.json).toMatchObject({
      ok: true,
      user: { nickName: '小明', avatarFileId: 'https://thirdwx.qlogo.cn/a.png', hasProfile: true },
    })
    expect((await get('/auth/me', token)).json.user.nickName).toBe('小明')
  })

  test('takes a signed rawData only when sha1(rawData + session_key) matches', async () => {
    const { token, sessionKey } = await signIn()
    const rawData = JSON.stringify({ nickName: 'Band', avatarUrl: 'https://wx.qlogo.cn/x/0', gender: 1 })
    const good = await post('/auth/profile', { rawData, signature: signRawData(rawData, sessionKey) }, token)
    expect(good.json.user.nickName).toBe('Band')
    const forged = JSON.stringify({ nickName: 'Mallory', avatarUrl: 'https://wx.qlogo.cn/x/0' })
    const bad = await post('/auth/profile', { rawData: forged, signature: signRawData(rawData, sessionKey) }, token)
    expect(bad.status).toBe(400)
    expect(bad.json.code).toBe('OPEN_DATA_INVALID')
    expect((await get('/auth/me', token)).json.user.nickName).toBe('Band')
  })

  test.each([
    [{}, '没有要保存的资料'],
    [{ nickName: '' }, '请填写昵称'],
    [{ nickName: '一二三四五六七八九十一二三四五六七八九十一' }, '最多 20 个字'],
    [{ nickName: '<b>hi</b>' }, '昵称不能包含 < 或 >'],
    [{ nickName: 'a\u202Eb' }, '改变文字方向'],
    [{ avatarUrl: 'javascript:alert(1)' }, '头像地址'],
  ])('refuses %j', async (body, message) => {
    const { token } = await signIn()
    const res = await post('/auth/profile', body, token)
    expect(res.status).toBe(400)
    expect(res.json.code).toBe('INVALID_INPUT')
    expect(res.json.message).toContain(message)
  })
})

describe('DELETE /auth/me and the HTTP surface', () => {
  test('deleting the account removes the user, its sessions and its session_key', async () => {
    const { token, reply, openid } = await signIn()
    const res = await http(`${server.url}/auth/me`, { method: 'DELETE', token })
    expect(res.json).toEqual({ ok: true, deleted: { users: 1 } })
    expect(await store.userById(reply.user.id)).toBeNull()
    expect(await store.sessionKeyOf(openid)).toBeNull()
    expect((await get('/auth/me', token)).status).toBe(401)
  })

  test('unknown routes, wrong methods, bodies that are too large, not JSON or not declared as JSON', async () => {
    expect((await get('/nope')).status).toBe(404)
    expect((await get('/auth/login')).status).toBe(405)
    const big = await http(`${server.url}/auth/login`, { method: 'POST', body: { code: 'x'.repeat(20_000) } })
    expect([big.status, big.json?.code]).toEqual([413, 'PAYLOAD_TOO_LARGE'])
    const notJson = await http(`${server.url}/auth/login`, {
      method: 'POST',
      rawBody: '{oops',
      headers: { 'content-type': 'application/json' },
    })
    expect([notJson.status, notJson.json.code]).toEqual([400, 'INVALID_INPUT'])
    const form = await http(`${server.url}/auth/login`, {
      method: 'POST',
      rawBody: 'code=abc',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })
    expect([form.status, form.json.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE'])
    const health = await get('/health')
    expect(health.json).toEqual({ ok: true })
    expect(health.headers['cache-control']).toBe('no-store')
  })
})
