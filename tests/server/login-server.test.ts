import { randomBytes } from 'node:crypto'
import { SignJWT } from 'jose'
import { signAccessToken, verifyAccessToken, TokenError, WeChatUnavailable, parseSigningKeys } from '../../server/src'
import { encryptOpenData } from '../../emulator/src/http/wechat-api'
import { signRawData } from '../../server/src/decrypt'
import { http } from '../helpers/http'
import { FakeWeChat, startTestServer, TEST_APPID, TEST_TOKEN_SECRET, type TestServer } from '../helpers/login-server'
import { DATABASE_KINDS } from '../helpers/test-database'

/**
 * The server against a scripted WeChat (no emulator), on PGlite and, when WEAUTH_TEST_DATABASE_URL is set,
 * on a real PostgreSQL server: contract, token lifecycle, refresh rotation, error mapping, open data,
 * avatars, deletion. tests/server/jscode2session.test.ts runs it against the emulator's WeChat.
 */
const KEYS = parseSigningKeys(TEST_TOKEN_SECRET)
const ACCESS_TTL = 900
const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), randomBytes(64)])

describe.each(DATABASE_KINDS)('the login server on %s', (kind) => {
  let wechat: FakeWeChat
  let t: TestServer
  let clock = Date.now()

  beforeAll(async () => {
    wechat = new FakeWeChat()
    t = await startTestServer({ wechat, now: () => clock, kind })
  }, 60_000)
  afterAll(() => t.close())
  beforeEach(() => {
    clock = Date.now()
    wechat.next = []
  })

  const url = (path: string) => `${t.server.url}${path}`
  const post = (path: string, body: unknown, token?: string) => http(url(path), { method: 'POST', body, token })
  const get = (path: string, token?: string) => http(url(path), { token })
  const rows = async (sql: string, params: unknown[] = []) => (await t.database.db.query(sql, params)).rows

  async function signIn(consentVersion: string | null = '2026-11', openid?: string) {
    const issued = wechat.issue(openid)
    const res = await post('/auth/login', { code: issued.code, ...(consentVersion ? { consentVersion } : {}) })
    expect(res.status).toBe(200)
    return {
      ...issued,
      token: res.json.accessToken as string,
      refresh: res.json.refreshToken as string,
      reply: res.json,
    }
  }

  describe('POST /auth/login', () => {
    test('exchanges the code, creates the user, answers the user view, a short access token and a refresh token', async () => {
      const { reply, sessionKey, openid } = await signIn()
      expect(reply).toMatchObject({ ok: true, isNew: true, tokenType: 'Bearer', expiresIn: ACCESS_TTL })
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
      const claims = await verifyAccessToken(reply.accessToken, KEYS, { audience: TEST_APPID, now: clock })
      expect(claims).toMatchObject({ sub: reply.user.id, aud: TEST_APPID, iss: 'weauth' })
      expect(claims.exp - claims.iat).toBe(ACCESS_TTL)
      expect(JSON.parse(Buffer.from(reply.accessToken.split('.')[0], 'base64url').toString())).toEqual({
        alg: 'HS256',
        typ: 'JWT',
        kid: KEYS[0].kid,
      })
      expect(Date.parse(reply.expiresAt)).toBe(claims.exp * 1000)
      expect(reply.refreshToken).toMatch(/^[\w-]{43}$/)
      expect(Date.parse(reply.refreshExpiresAt)).toBeGreaterThan(clock + 29 * 24 * 3600 * 1000)
      // neither the session_key nor the openid ever leaves the server; the refresh token is stored hashed
      const text = JSON.stringify(reply)
      expect(text).not.toContain(sessionKey)
      expect(text).not.toContain(openid)
      expect(t.logs.join('\n')).not.toContain(sessionKey)
      expect(t.logs.join('\n')).not.toContain(reply.refreshToken)
      expect(JSON.stringify(await rows('SELECT * FROM refresh_tokens'))).not.toContain(reply.refreshToken)
      expect(await t.server.store.sessionKeyOf(openid)).toBe(sessionKey)
    })

    test('a second login of the same WeChat user signs in to the same record and keeps the newest session_key', async () => {
      const first = await signIn()
      const again = wechat.issue(first.openid)
      const res = await post('/auth/login', { code: again.code, consentVersion: '2026-11' })
      expect(res.json).toMatchObject({ ok: true, isNew: false, user: { id: first.reply.user.id, loginCount: 2 } })
      expect(await t.server.store.sessionKeyOf(first.openid)).toBe(again.sessionKey)
    })

    test('50 concurrent first logins of one user leave exactly one record, counted 50 times', async () => {
      const openid = `o${randomBytes(12).toString('hex')}`
      const codes = Array.from({ length: 50 }, () => wechat.issue(openid).code)
      const replies = await Promise.all(codes.map((code) => post('/auth/login', { code })))
      expect(replies.map((r) => r.status)).toEqual(Array(50).fill(200))
      expect(new Set(replies.map((r) => r.json.user.id)).size).toBe(1)
      expect(replies.filter((r) => r.json.isNew)).toHaveLength(1)
      expect(await rows('SELECT login_count FROM users WHERE openid = $1', [openid])).toEqual([{ login_count: 50 }])
    })

    test.each([
      [40029, 400, 'WECHAT_CODE_INVALID'],
      [40163, 400, 'WECHAT_CODE_USED'],
      [45011, 429, 'RATE_LIMITED'],
      [40226, 403, 'RISKY_USER'],
      [-1, 502, 'UPSTREAM'],
      [40125, 500, 'INTERNAL'],
    ])('WeChat errcode %d becomes HTTP %d %s, and no user or session is created', async (errcode, status, code) => {
      const before = await t.server.store.countUsers()
      const sessions = (await rows('SELECT count(*)::int AS n FROM sessions'))[0].n
      wechat.next.push({ ok: false, errcode, errmsg: 'scripted' })
      const res = await post('/auth/login', { code: wechat.issue().code })
      expect(res.status).toBe(status)
      expect(res.json).toEqual({ ok: false, code, message: expect.any(String) })
      if (errcode === 45011) expect(res.headers['retry-after']).toBe('60')
      expect(await t.server.store.countUsers()).toBe(before)
      expect((await rows('SELECT count(*)::int AS n FROM sessions'))[0].n).toBe(sessions)
    })

    test('WeChat unreachable is a 502 UPSTREAM', async () => {
      wechat.next.push(new WeChatUnavailable('connect ECONNREFUSED'))
      const res = await post('/auth/login', { code: wechat.issue().code })
      expect([res.status, res.json.code]).toEqual([502, 'UPSTREAM'])
    })

    test.each([
      ['no code', {}],
      ['a non-string code', { code: 123 }],
      ['a code with illegal characters', { code: 'abc def' }],
      ['a bad consent version', { code: 'abc', consentVersion: '<script>' }],
      ['an array', [1, 2]],
    ])('%s is INVALID_INPUT without calling WeChat', async (_name, body) => {
      const calls = wechat.calls
      const res = await post('/auth/login', body)
      expect([res.status, res.json.code]).toEqual([400, 'INVALID_INPUT'])
      expect(wechat.calls).toBe(calls)
    })

    test('one code is exchanged at most three times: repeats do not reach WeChat', async () => {
      const calls = wechat.calls
      const replies = []
      for (let i = 0; i < 5; i++) replies.push(await post('/auth/login', { code: 'the-same-garbage-code' }))
      expect(replies.map((r) => r.status)).toEqual([400, 400, 400, 429, 429])
      expect(replies[3].headers['retry-after']).toMatch(/^\d+$/)
      expect(wechat.calls - calls).toBe(3)
    })

    test('a banned user gets no token, and every session they had ends', async () => {
      const first = await signIn()
      await t.server.store.banUser(first.reply.user.id, new Date(clock))
      const res = await post('/auth/login', { code: wechat.issue(first.openid).code })
      expect([res.status, res.json.code, res.json.accessToken]).toEqual([403, 'ACCOUNT_BANNED', undefined])
      expect((await get('/auth/me', first.token)).json.code).toBe('ACCOUNT_BANNED')
      expect((await post('/auth/refresh', { refreshToken: first.refresh })).status).not.toBe(200)
    })
  })

  describe('access tokens', () => {
    test('GET /auth/me answers the user for a valid token and 401 without one', async () => {
      const { token, reply } = await signIn()
      const me = await get('/auth/me', token)
      expect([me.status, me.json.user]).toEqual([200, reply.user])
      const anonymous = await get('/auth/me')
      expect([anonymous.status, anonymous.json.code]).toEqual([401, 'NOT_LOGGED_IN'])
      expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer /)
    })

    test('expire after their lifetime with TOKEN_EXPIRED', async () => {
      const { token } = await signIn()
      clock += (ACCESS_TTL - 1) * 1000
      expect((await get('/auth/me', token)).status).toBe(200)
      clock += 2000
      const expired = await get('/auth/me', token)
      expect([expired.status, expired.json.code]).toEqual([401, 'TOKEN_EXPIRED'])
    })

    test('logout revokes the session at once, refresh token included', async () => {
      const { token, refresh } = await signIn()
      expect((await post('/auth/logout', {}, token)).json).toEqual({ ok: true })
      expect((await get('/auth/me', token)).json.code).toBe('NOT_LOGGED_IN')
      expect((await post('/auth/refresh', { refreshToken: refresh })).json.code).toBe('NOT_LOGGED_IN')
    })

    test('forged, tampered, foreign, unkeyed or unknown-session tokens are refused', async () => {
      const { token, reply } = await signIn()
      const [h, p, s] = token.split('.')
      const claims = JSON.parse(Buffer.from(p, 'base64url').toString())
      const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url')
      const other = parseSigningKeys('other:another-secret-another-secret-123')[0]
      const sign = (c: Record<string, unknown>, key = KEYS[0]) =>
        signAccessToken(
          { sub: reply.user.id, sid: claims.sid, aud: TEST_APPID, iat: claims.iat, exp: claims.exp, ...c } as never,
          key,
        )
      const attempts = [
        `${h}.${b64({ ...claims, sub: 'someone-else' })}.${s}`, // payload changed, signature kept
        `${b64({ alg: 'none', typ: 'JWT' })}.${p}.`, // alg none
        `${b64({ alg: 'HS256', typ: 'JWT', kid: 'nope' })}.${p}.${s}`, // unknown kid
        await sign({}, other), // a key we do not have, under its own kid
        await sign({}, { kid: KEYS[0].kid, secret: other.secret }), // our kid, someone else's secret
        await sign({ aud: 'wxffffffffffffffff' }), // another app
        await sign({ sid: 'no-such-session' }), // unknown session
        await sign({ iat: Math.floor(clock / 1000) + 3600, exp: Math.floor(clock / 1000) + 7200 }), // from the future
        await new SignJWT({ sid: claims.sid })
          .setProtectedHeader({ alg: 'HS512', kid: KEYS[0].kid })
          .setSubject(reply.user.id)
          .setIssuer('weauth')
          .setAudience(TEST_APPID)
          .setIssuedAt()
          .setExpirationTime('1h')
          .sign(KEYS[0].secret),
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

    test('verifyAccessToken distinguishes expired from invalid', async () => {
      const now = Date.now()
      const iat = Math.floor(now / 1000)
      const token = await signAccessToken({ sub: 'u', sid: 's', aud: TEST_APPID, iat, exp: iat + 10 }, KEYS[0])
      expect((await verifyAccessToken(token, KEYS, { audience: TEST_APPID, now })).sub).toBe('u')
      await expect(verifyAccessToken(token, KEYS, { audience: TEST_APPID, now: now + 11_000 })).rejects.toEqual(
        new TokenError('expired'),
      )
      await expect(
        verifyAccessToken(token, parseSigningKeys('x0123456789abcdefghijklmnopqrstuvw'), { audience: TEST_APPID, now }),
      ).rejects.toEqual(new TokenError('invalid'))
    })
  })

  describe('refresh tokens', () => {
    test('rotate: each one gives a new access token and the next refresh token, and is spent', async () => {
      const { refresh, reply } = await signIn()
      const first = await post('/auth/refresh', { refreshToken: refresh })
      expect(first.status).toBe(200)
      expect(first.json).toMatchObject({ ok: true, user: { id: reply.user.id }, tokenType: 'Bearer' })
      expect(first.json.refreshToken).not.toBe(refresh)
      expect((await get('/auth/me', first.json.accessToken)).status).toBe(200)
      const second = await post('/auth/refresh', { refreshToken: first.json.refreshToken })
      expect(second.status).toBe(200)
    })

    test('a replayed refresh token revokes its whole family: the thief and the owner both sign in again', async () => {
      const { refresh } = await signIn()
      const owner = await post('/auth/refresh', { refreshToken: refresh })
      const replay = await post('/auth/refresh', { refreshToken: refresh })
      expect([replay.status, replay.json.code]).toEqual([401, 'NOT_LOGGED_IN'])
      expect((await get('/auth/me', owner.json.accessToken)).status).toBe(401)
      expect((await post('/auth/refresh', { refreshToken: owner.json.refreshToken })).status).toBe(401)
    })

    test('other sessions of the same user survive a replay in one of them', async () => {
      const a = await signIn()
      const b = await signIn('2026-11', a.openid)
      await post('/auth/refresh', { refreshToken: a.refresh })
      await post('/auth/refresh', { refreshToken: a.refresh })
      expect((await get('/auth/me', b.token)).status).toBe(200)
    })

    test('random, malformed and expired refresh tokens are refused alike', async () => {
      for (const refreshToken of [randomBytes(32).toString('base64url'), 'x', ''.padEnd(200, 'a')]) {
        expect((await post('/auth/refresh', { refreshToken })).json.code).toBe('NOT_LOGGED_IN')
      }
      expect((await post('/auth/refresh', { refreshToken: 5 })).json.code).toBe('INVALID_INPUT')
      const { refresh } = await signIn()
      clock += 31 * 24 * 3600 * 1000
      expect((await post('/auth/refresh', { refreshToken: refresh })).json.code).toBe('NOT_LOGGED_IN')
    })

    test("log out everywhere ends every session of the user and no other user's", async () => {
      const a = await signIn()
      const b = await signIn('2026-11', a.openid)
      const stranger = await signIn()
      const res = await post('/auth/logout-all', {}, a.token)
      expect(res.json).toEqual({ ok: true, sessions: 2 })
      for (const token of [a.token, b.token]) expect((await get('/auth/me', token)).status).toBe(401)
      expect((await post('/auth/refresh', { refreshToken: b.refresh })).status).toBe(401)
      expect((await get('/auth/me', stranger.token)).status).toBe(200)
    })
  })

  describe('POST /auth/phone', () => {
    test('with the dynamic code: WeChat gives the number, the client sees it masked', async () => {
      const { token } = await signIn()
      wechat.phone = { ok: true, phoneNumber: '13912345678', purePhoneNumber: '13912345678', countryCode: '86' }
      const res = await post('/auth/phone', { code: 'phone-code' }, token)
      expect([res.status, res.json.user.phoneMasked]).toEqual([200, '139****5678'])
      expect(res.text).not.toContain('13912345678')
    })

    test.each([
      [40029, 400, 'PHONE_CODE_INVALID'],
      [45011, 429, 'RATE_LIMITED'],
      [1400001, 429, 'PHONE_QUOTA'],
      [-1, 502, 'UPSTREAM'],
    ])('getuserphonenumber errcode %d is %d %s and binds nothing', async (errcode, status, code) => {
      const { token, reply } = await signIn()
      wechat.phone = { ok: false, errcode, errmsg: 'scripted' }
      const res = await post('/auth/phone', { code: 'stale' }, token)
      expect([res.status, res.json.code]).toEqual([status, code])
      expect((await t.server.store.userById(reply.user.id))?.phoneNumber).toBeNull()
    })

    const sealed = (key: string, watermark: Record<string, unknown> = {}) =>
      encryptOpenData(
        {
          phoneNumber: '13700001111',
          purePhoneNumber: '13700001111',
          countryCode: '86',
          watermark: { appid: TEST_APPID, timestamp: Math.floor(clock / 1000), ...watermark },
        },
        key,
      )

    test('with encryptedData + iv: decrypted with the session_key only the server holds', async () => {
      const { token, sessionKey } = await signIn()
      const res = await post('/auth/phone', sealed(sessionKey), token)
      expect([res.status, res.json.user?.phoneMasked]).toEqual([200, '137****1111'])
    })

    test('open data sealed with a session_key a newer wx.login replaced is refused (checkSessionKey)', async () => {
      const { token, sessionKey, openid } = await signIn()
      wechat.current.set(openid, randomBytes(16).toString('base64')) // WeChat rotated the key
      const res = await post('/auth/phone', sealed(sessionKey), token)
      expect([res.status, res.json.code]).toEqual([400, 'OPEN_DATA_INVALID'])
    })

    test.each([
      ['another app', (key: string) => sealed(key, { appid: 'wxffffffffffffffff' })],
      ['a stale watermark', (key: string) => sealed(key, { timestamp: Math.floor(clock / 1000) - 3600 })],
      ['another session_key', () => sealed(randomBytes(16).toString('base64'))],
      ['garbage', () => ({ encryptedData: 'AAAA', iv: 'AAAA' })],
    ])('open data from %s is the one OPEN_DATA_INVALID answer and changes nothing', async (_name, make) => {
      const { token, reply, sessionKey } = await signIn()
      const res = await post('/auth/phone', make(sessionKey), token)
      expect([res.status, res.json]).toEqual([
        400,
        { ok: false, code: 'OPEN_DATA_INVALID', message: '数据校验失败，请重试' },
      ])
      expect((await t.server.store.userById(reply.user.id))?.phoneNumber).toBeNull()
    })

    test('needs a login and consent', async () => {
      expect((await post('/auth/phone', { code: 'x' })).status).toBe(401)
      const { token } = await signIn(null)
      const res = await post('/auth/phone', { code: 'x' }, token)
      expect([res.status, res.json.code]).toEqual([403, 'CONSENT_REQUIRED'])
    })
  })

  describe('POST /auth/profile and avatars', () => {
    const upload = (
      token: string,
      parts: Array<{ name: string; value: Buffer | string; filename?: string; type?: string }>,
    ) => {
      const boundary = `----weauth${randomBytes(8).toString('hex')}`
      const chunks: Buffer[] = []
      for (const part of parts) {
        const disposition = `form-data; name="${part.name}"${part.filename ? `; filename="${part.filename}"` : ''}`
        chunks.push(
          Buffer.from(
            `--${boundary}\r\nContent-Disposition: ${disposition}\r\n${part.type ? `Content-Type: ${part.type}\r\n` : ''}\r\n`,
          ),
        )
        chunks.push(Buffer.isBuffer(part.value) ? part.value : Buffer.from(part.value))
        chunks.push(Buffer.from('\r\n'))
      }
      chunks.push(Buffer.from(`--${boundary}--\r\n`))
      return http(url('/auth/profile'), {
        method: 'POST',
        rawBody: Buffer.concat(chunks),
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        token,
      })
    }

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

    test('an uploaded avatar is stored in the database and served with its sniffed type and nosniff', async () => {
      const { token, reply } = await signIn()
      const res = await upload(token, [
        { name: 'nickName', value: '小图' },
        { name: 'avatar', value: PNG, filename: 'a.html', type: 'text/html' },
      ])
      expect(res.status).toBe(200)
      expect(res.json.user).toMatchObject({ nickName: '小图', hasProfile: true })
      const avatarUrl: string = res.json.user.avatarFileId
      expect(avatarUrl).toMatch(/^https:\/\/api\.example\.com\/avatars\/[0-9a-f]{24}$/)
      const served = await http(url(new URL(avatarUrl).pathname))
      expect(served.status).toBe(200)
      expect(served.headers['content-type']).toBe('image/png')
      expect(served.headers['x-content-type-options']).toBe('nosniff')
      // an avatar's URL names its bytes: the route's own caching, not the server's no-store
      expect(served.headers['cache-control']).toBe('public, max-age=31536000, immutable')
      // a second upload replaces the first
      await upload(token, [{ name: 'avatar', value: PNG, filename: 'b.png' }])
      expect(await rows('SELECT id FROM avatars WHERE user_id = $1', [reply.user.id])).toHaveLength(1)
      expect((await http(url(new URL(avatarUrl).pathname))).status).toBe(404)
    })

    test('a file that is no image, a file over the cap, or a refused nickname leaves nothing stored', async () => {
      const { token, reply } = await signIn()
      const html = await upload(token, [
        { name: 'avatar', value: '<html><script>alert(1)</script>', filename: 'a.png', type: 'image/png' },
      ])
      expect([html.status, html.json.code]).toEqual([400, 'INVALID_INPUT'])
      const huge = await upload(token, [
        { name: 'avatar', value: Buffer.concat([PNG, Buffer.alloc(1024 * 1024 + 1)]), filename: 'a.png' },
      ])
      expect([huge.status, huge.json.code]).toEqual([413, 'PAYLOAD_TOO_LARGE'])
      const badName = await upload(token, [
        { name: 'nickName', value: '<b>' },
        { name: 'avatar', value: PNG, filename: 'a.png' },
      ])
      expect([badName.status, badName.json.code]).toEqual([400, 'NICKNAME_MARKUP'])
      expect(await rows('SELECT id FROM avatars WHERE user_id = $1', [reply.user.id])).toEqual([])
      expect((await t.server.store.userById(reply.user.id))?.avatarUrl).toBe('')
    })

    test('takes a signed rawData only when sha1(rawData + session_key) matches', async () => {
      const { token, sessionKey } = await signIn()
      const rawData = JSON.stringify({ nickName: 'Band', avatarUrl: 'https://wx.qlogo.cn/x/0', gender: 1 })
      const good = await post('/auth/profile', { rawData, signature: signRawData(rawData, sessionKey) }, token)
      expect(good.json.user.nickName).toBe('Band')
      const forged = JSON.stringify({ nickName: 'Mallory', avatarUrl: 'https://wx.qlogo.cn/x/0' })
      const bad = await post('/auth/profile', { rawData: forged, signature: signRawData(rawData, sessionKey) }, token)
      expect([bad.status, bad.json.code]).toEqual([400, 'OPEN_DATA_INVALID'])
      expect((await get('/auth/me', token)).json.user.nickName).toBe('Band')
    })

    test.each([
      [{}, 'INVALID_INPUT', '没有要保存的资料'],
      [{ nickName: '' }, 'NICKNAME_EMPTY', '请填写昵称'],
      [{ nickName: '一二三四五六七八九十一二三四五六七八九十一' }, 'NICKNAME_TOO_LONG', '最多 20 个字'],
      [{ nickName: '<b>hi</b>' }, 'NICKNAME_MARKUP', '昵称不能包含 < 或 >'],
      [{ nickName: 'a\u202Eb' }, 'NICKNAME_BIDI_CHAR', '改变文字方向'],
      [{ avatarUrl: 'javascript:alert(1)' }, 'INVALID_INPUT', '头像地址'],
    ])('refuses %j', async (body, code, message) => {
      const { token } = await signIn()
      const res = await post('/auth/profile', body, token)
      expect([res.status, res.json.code]).toEqual([400, code])
      expect(res.json.message).toContain(message)
    })
  })

  describe('DELETE /auth/me and the HTTP surface', () => {
    test('deleting the account removes the user, sessions, refresh tokens, avatars and session_key for real', async () => {
      const { token, refresh, reply, openid } = await signIn()
      wechat.phone = { ok: true, phoneNumber: '13912345678', purePhoneNumber: '13912345678', countryCode: '86' }
      expect((await post('/auth/phone', { code: 'p' }, token)).status).toBe(200)
      const res = await http(url('/auth/me'), { method: 'DELETE', token })
      expect(res.json).toEqual({
        ok: true,
        deleted: {
          users: 1,
          files: [],
          removed: [
            '账号记录（各小程序的微信身份标识、登录记录、隐私政策同意记录）',
            '手机号',
            '登录会话 1 个（所有设备均已退出）',
          ],
          at: new Date(clock).toISOString(),
        },
      })
      const id = reply.user.id
      expect(await rows('SELECT id FROM users WHERE id = $1', [id])).toEqual([])
      expect(await rows('SELECT id FROM sessions WHERE user_id = $1', [id])).toEqual([])
      expect(await rows('SELECT id FROM avatars WHERE user_id = $1', [id])).toEqual([])
      expect(await rows('SELECT openid FROM wechat_sessions WHERE openid = $1', [openid])).toEqual([])
      expect((await get('/auth/me', token)).status).toBe(401)
      expect((await post('/auth/refresh', { refreshToken: refresh })).status).toBe(401)
    })

    test('unknown routes, wrong methods, bodies too large, not JSON, not declared as JSON', async () => {
      const unknown = await get('/nope')
      expect(unknown.status).toBe(404)
      expect((await get('/auth/login')).status).toBe(405)
      const big = await http(url('/auth/login'), { method: 'POST', body: { code: 'x'.repeat(20_000) } })
      expect([big.status, big.json?.code]).toEqual([413, 'PAYLOAD_TOO_LARGE'])
      // refusals too are never cached and never sniffed
      for (const refused of [unknown, big]) {
        expect([refused.headers['cache-control'], refused.headers['x-content-type-options']]).toEqual([
          'no-store',
          'nosniff',
        ])
      }
      const notJson = await http(url('/auth/login'), {
        method: 'POST',
        rawBody: '{oops',
        headers: { 'content-type': 'application/json' },
      })
      expect([notJson.status, notJson.json.code]).toEqual([400, 'INVALID_INPUT'])
      const form = await http(url('/auth/login'), {
        method: 'POST',
        rawBody: 'code=abc',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      })
      expect([form.status, form.json.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE'])
      const xml = await http(url('/auth/login'), {
        method: 'POST',
        rawBody: '<code/>',
        headers: { 'content-type': 'text/xml' },
      })
      expect([xml.status, xml.json.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE'])
      const health = await get('/health')
      expect(health.json).toEqual({ ok: true })
      expect(health.headers['cache-control']).toBe('no-store')
      expect(health.headers['x-content-type-options']).toBe('nosniff')
    })

    test('CORS is off by default: no allow-origin for any origin', async () => {
      const res = await http(url('/health'), { headers: { origin: 'https://evil.example' } })
      expect(res.headers['access-control-allow-origin']).toBeUndefined()
    })
  })
})
