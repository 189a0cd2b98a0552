import { randomBytes } from 'node:crypto'
import { PRIVACY_POLICY_VERSION } from '../../packages/contract/privacy-policy'
import { ERRORS } from '../../packages/contract/errors'
import { pushSignature } from '../../server/src/routes/message-push'
import { http } from '../helpers/http'
import { FakeWeChat, startTestServer, TEST_APPID, type TestServer } from '../helpers/login-server'
import { DATABASE_KINDS } from '../helpers/test-database'

/**
 * The own server does what the cloud functions do (consent, phoneLogin, nickname rules + msgSecCheck, deletion
 * receipt, userInfoChanges pushes) and serves several mini programs with one account per person (unionid), on
 * PGlite and, with WEAUTH_TEST_DATABASE_URL, on a real PostgreSQL.
 */
const SECOND_APPID = 'wx00000000000000b2'
const PUSH_TOKEN = 'pushToken123'

describe.each(DATABASE_KINDS)('account parity on %s', (kind) => {
  let wechat: FakeWeChat
  let t: TestServer
  let clock = Date.now()

  beforeAll(async () => {
    wechat = new FakeWeChat()
    t = await startTestServer({
      wechat,
      now: () => clock,
      kind,
      env: { WEAUTH_MORE_APPS: `${SECOND_APPID}:second-secret`, WEAUTH_PUSH_TOKEN: PUSH_TOKEN },
    })
  }, 60_000)
  afterAll(() => t.close())
  beforeEach(() => {
    clock = Date.now()
    wechat.next = []
    wechat.textCheck = null
    wechat.riskyWords.clear()
    wechat.phone = { ok: true, phoneNumber: '13912345678', purePhoneNumber: '13912345678', countryCode: '86' }
  })

  const url = (path: string) => `${t.server.url}${path}`
  const post = (path: string, body: unknown, token?: string) => http(url(path), { method: 'POST', body, token })
  const get = (path: string, token?: string) => http(url(path), { token })
  const rows = async (sql: string, params: unknown[] = []) => (await t.database.db.query(sql, params)).rows

  async function signIn(consentVersion: string | null = PRIVACY_POLICY_VERSION, openid?: string, appid?: string) {
    const issued = wechat.issue(openid)
    const res = await post('/auth/login', {
      code: issued.code,
      ...(consentVersion ? { consentVersion } : {}),
      ...(appid ? { appid } : {}),
    })
    expect(res.status).toBe(200)
    return { ...issued, token: res.json.accessToken as string, reply: res.json }
  }

  describe('POST /auth/consent', () => {
    test('a silent login records nothing; accept records the current version; withdraw stops profile and phone writes', async () => {
      const { token, reply, openid } = await signIn(null)
      expect(reply.user).toMatchObject({ privacyConsented: false, consentVersion: null })
      expect((await post('/auth/profile', { nickName: '小明' }, token)).json.code).toBe('CONSENT_REQUIRED')

      const accepted = await post('/auth/consent', { action: 'accept', version: PRIVACY_POLICY_VERSION }, token)
      expect([accepted.status, accepted.json.user.consentVersion]).toEqual([200, PRIVACY_POLICY_VERSION])
      expect((await post('/auth/profile', { nickName: '小明' }, token)).status).toBe(200)

      const withdrawn = await post('/auth/consent', { action: 'withdraw' }, token)
      expect(withdrawn.json.user).toMatchObject({ privacyConsented: false, consentVersion: null })
      const profile = await post('/auth/profile', { nickName: '小红' }, token)
      const phone = await post('/auth/phone', { code: 'p' }, token)
      expect([profile.status, profile.json.code, phone.status, phone.json.code]).toEqual([
        403,
        'CONSENT_REQUIRED',
        403,
        'CONSENT_REQUIRED',
      ])
      expect((await get('/auth/me', token)).json.user).toMatchObject({ nickName: '小明', phoneMasked: null })
      // a later silent login does not bring the consent back
      const again = await post('/auth/login', { code: wechat.issue(openid).code })
      expect(again.json.user.privacyConsented).toBe(false)
    })

    test('an older accepted version is CONSENT_OUTDATED until the current one is accepted', async () => {
      const { token, reply } = await signIn()
      await t.database.db.query("UPDATE users SET privacy_consent_version = '2020-01' WHERE id = $1", [reply.user.id])
      const res = await post('/auth/profile', { nickName: '小明' }, token)
      expect([res.status, res.json]).toEqual([
        403,
        { ok: false, code: 'CONSENT_OUTDATED', message: ERRORS.CONSENT_OUTDATED.message },
      ])
      expect((await get('/auth/me', token)).json.user.consentVersion).toBe('2020-01')
    })

    test.each([[{ action: 'accept', version: '2020-01' }], [{ action: 'accept' }], [{ action: 'maybe' }], [{}]])(
      '%j is INVALID_INPUT and records nothing',
      async (body) => {
        const { token } = await signIn(null)
        const res = await post('/auth/consent', body, token)
        expect([res.status, res.json.code]).toEqual([400, 'INVALID_INPUT'])
        expect((await get('/auth/me', token)).json.user.privacyConsented).toBe(false)
      },
    )

    test('login refuses a consentVersion that is not the current policy', async () => {
      const res = await post('/auth/login', { code: wechat.issue().code, consentVersion: '2020-01' })
      expect([res.status, res.json.code]).toEqual([400, 'INVALID_INPUT'])
      expect(res.json.message).toContain('隐私政策已更新')
    })

    test('needs a login', async () => {
      expect((await post('/auth/consent', { action: 'withdraw' })).status).toBe(401)
    })
  })

  describe('POST /auth/phone-login', () => {
    const phoneLogin = (code: string, phoneCode = 'phone-code', consentVersion = PRIVACY_POLICY_VERSION) =>
      post('/auth/phone-login', { code, phoneCode, consentVersion })

    test('signs in a new user with the phone and the consent in one step, asking WeChat as the caller', async () => {
      const issued = wechat.issue()
      wechat.phoneOpenids = []
      const res = await phoneLogin(issued.code)
      expect(res.status).toBe(200)
      expect(res.json).toMatchObject({
        ok: true,
        isNew: true,
        tokenType: 'Bearer',
        user: { phoneMasked: '139****5678', loginCount: 1, consentVersion: PRIVACY_POLICY_VERSION },
      })
      expect(wechat.phoneOpenids).toEqual([issued.openid])
      expect(res.text).not.toContain(issued.openid)
      expect(res.text).not.toContain('13912345678')
      expect((await get('/auth/me', res.json.accessToken)).json.user.phoneMasked).toBe('139****5678')
      // the same person again: the same account, its phone updated
      wechat.phone = { ok: true, phoneNumber: '13700001111', purePhoneNumber: '13700001111', countryCode: '86' }
      const again = await phoneLogin(wechat.issue(issued.openid).code)
      expect(again.json).toMatchObject({ isNew: false, user: { id: res.json.user.id, phoneMasked: '137****1111' } })
    })

    test.each([
      [40029, 400, 'PHONE_CODE_INVALID'],
      [45011, 429, 'RATE_LIMITED'],
      [1400001, 429, 'PHONE_QUOTA'],
      [-90001, 502, 'PHONE_UNAVAILABLE'],
      [-1, 502, 'UPSTREAM'],
    ])('WeChat errcode %s → %s %s, with no account, session or key written', async (errcode, status, code) => {
      const issued = wechat.issue()
      wechat.phone = { ok: false, errcode, errmsg: 'scripted' }
      const res = await phoneLogin(issued.code)
      expect([res.status, res.json]).toEqual([status, { ok: false, code, message: ERRORS[code as 'UPSTREAM'].message }])
      expect(await t.server.store.userByOpenid(issued.openid)).toBeNull()
      expect(await rows('SELECT 1 FROM wechat_sessions WHERE openid = $1', [issued.openid])).toEqual([])
      if (code === 'PHONE_QUOTA') {
        expect(res.headers['retry-after']).toBe('3600')
        expect(t.logs.join('\n')).toContain('付费管理')
      }
    })

    test('needs the current consent, a valid wx.login code and a phone code', async () => {
      expect((await phoneLogin(wechat.issue().code, 'p', '2020-01')).json.code).toBe('INVALID_INPUT')
      expect((await post('/auth/phone-login', { code: wechat.issue().code })).json.code).toBe('INVALID_INPUT')
      expect((await phoneLogin(randomBytes(8).toString('hex'))).json.code).toBe('WECHAT_CODE_INVALID')
    })

    test('a fault between the phone exchange and the write leaves no account', async () => {
      const issued = wechat.issue()
      // the database refuses the write: the request fails and nothing of the person is stored
      await t.database.db.query('ALTER TABLE identities ADD CONSTRAINT fault_injected CHECK (false) NOT VALID')
      try {
        const res = await phoneLogin(issued.code)
        expect(res.status).toBeGreaterThanOrEqual(500)
      } finally {
        await t.database.db.query('ALTER TABLE identities DROP CONSTRAINT fault_injected')
      }
      expect(await t.server.store.userByOpenid(issued.openid)).toBeNull()
      expect(await rows('SELECT 1 FROM users WHERE openid = $1', [issued.openid])).toEqual([])
    })
  })

  describe('nickname rules and msgSecCheck', () => {
    test('a changed nickname is checked as the signed-in user; risky or review is RISKY_CONTENT and nothing is saved', async () => {
      const { token, openid } = await signIn()
      wechat.textChecks = []
      wechat.riskyWords.add('违规')
      const risky = await post('/auth/profile', { nickName: '违规的名字' }, token)
      expect([risky.status, risky.json]).toEqual([
        400,
        { ok: false, code: 'RISKY_CONTENT', message: ERRORS.RISKY_CONTENT.message },
      ])
      expect(wechat.textChecks).toEqual([{ openid, content: '违规的名字' }])
      wechat.textCheck = { ok: true, suggest: 'review' }
      expect((await post('/auth/profile', { nickName: '待审核' }, token)).json.code).toBe('RISKY_CONTENT')
      wechat.textCheck = null
      const fine = await post('/auth/profile', { nickName: ' 小明 😀 ' }, token)
      expect(fine.json.user.nickName).toBe('小明 😀')
      expect((await get('/auth/me', token)).json.user.nickName).toBe('小明 😀')
      // the same nickname again is not sent to WeChat again
      wechat.textChecks = []
      await post('/auth/profile', { nickName: '小明 😀' }, token)
      expect(wechat.textChecks).toEqual([])
    })

    test.each([
      ['\u200Bab', 'NICKNAME_INVISIBLE_CHAR'],
      ['a\u3164b', 'NICKNAME_BLANK_FILLER'],
      ['a\u0007b', 'NICKNAME_CONTROL_CHAR'],
      ['a\uD800b', 'NICKNAME_BROKEN_TEXT'],
      ['e' + '\u0301'.repeat(100), 'NICKNAME_TOO_LONG'],
    ])('%j is %s before WeChat is asked', async (nickName, code) => {
      const { token } = await signIn()
      wechat.textChecks = []
      const res = await post('/auth/profile', { nickName }, token)
      expect([res.status, res.json.code, res.json.message]).toEqual([400, code, ERRORS[code as 'UPSTREAM'].message])
      expect(wechat.textChecks).toEqual([])
    })

    test('WeChat unavailable or rate limited: nothing saved, an honest code', async () => {
      const { token } = await signIn()
      wechat.textCheck = { ok: false, errcode: 45011, errmsg: 'limit' }
      expect((await post('/auth/profile', { nickName: '小刚' }, token)).json.code).toBe('RATE_LIMITED')
      wechat.textCheck = { ok: false, errcode: -1, errmsg: 'busy' }
      expect((await post('/auth/profile', { nickName: '小刚' }, token)).json.code).toBe('UPSTREAM')
      expect((await get('/auth/me', token)).json.user.nickName).toBe('')
    })
  })

  describe('DELETE /auth/me receipt', () => {
    test('says what was removed and when, and ends every session of the account', async () => {
      const first = await signIn()
      const second = await signIn(PRIVACY_POLICY_VERSION, first.openid)
      await post('/auth/profile', { nickName: '小明' }, first.token)
      await post('/auth/phone', { code: 'p' }, first.token)
      const res = await http(url('/auth/me'), { method: 'DELETE', token: second.token })
      expect(res.json).toEqual({
        ok: true,
        deleted: {
          users: 1,
          files: [],
          removed: [
            '账号记录（各小程序的微信身份标识、登录记录、隐私政策同意记录）',
            '昵称',
            '手机号',
            '登录会话 2 个（所有设备均已退出）',
          ],
          at: new Date(clock).toISOString(),
        },
      })
      for (const token of [first.token, second.token]) expect((await get('/auth/me', token)).status).toBe(401)
      expect(await rows('SELECT 1 FROM identities WHERE openid = $1', [first.openid])).toEqual([])
    })
  })

  describe('POST /wechat/push (授权用户信息变更, server-URL mode)', () => {
    const signed = (timestamp = Math.floor(clock / 1000), nonce = randomBytes(6).toString('hex')) =>
      `signature=${pushSignature(PUSH_TOKEN, String(timestamp), nonce)}&timestamp=${timestamp}&nonce=${nonce}`
    const push = (body: Record<string, unknown>, query = signed()) =>
      http(url(`/wechat/push?${query}`), { method: 'POST', body })
    const event = (openid: string, type: string, extra: Record<string, unknown> = {}) => ({
      ToUserName: 'gh_0123456789ab',
      FromUserName: 'o_platform_push',
      CreateTime: Math.floor(clock / 1000),
      MsgType: 'event',
      Event: type,
      OpenID: openid,
      AppID: TEST_APPID,
      ...extra,
    })

    async function userWithEverything() {
      const who = await signIn()
      const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), randomBytes(32)])
      const boundary = 'b0undary'
      const body = Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="nickName"\r\n\r\n小明\r\n`),
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="avatar"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n`,
        ),
        png,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ])
      const saved = await http(url('/auth/profile'), {
        method: 'POST',
        rawBody: body,
        token: who.token,
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      })
      expect(saved.json.user.hasProfile).toBe(true)
      expect((await post('/auth/phone', { code: 'p' }, who.token)).status).toBe(200)
      return who
    }

    test('the URL check answers echostr only to a good signature', async () => {
      const ok = await http(url(`/wechat/push?${signed()}&echostr=abc123`))
      expect([ok.status, ok.text, ok.headers['content-type']]).toEqual([200, 'abc123', 'text/plain; charset=utf-8'])
      const forged = await http(url(`/wechat/push?signature=${'0'.repeat(40)}&timestamp=1&nonce=1&echostr=abc123`))
      expect(forged.status).toBe(403)
      expect(forged.text).not.toContain('abc123')
    })

    test('revoke 6 clears nickname and avatar and deletes the image; 8 clears the phone; redelivery is a no-op', async () => {
      const { token, openid, reply } = await userWithEverything()
      const avatarUrl = (await get('/auth/me', token)).json.user.avatarFileId as string
      const avatarPath = new URL(avatarUrl).pathname
      const res = await push(event(openid, 'user_authorization_revoke', { RevokeInfo: '6' }))
      expect([res.status, res.text]).toEqual([200, 'success'])
      expect((await get('/auth/me', token)).json.user).toMatchObject({
        nickName: '',
        avatarFileId: '',
        phoneMasked: '139****5678',
      })
      expect((await get(avatarPath)).status).toBe(404)
      expect(await rows('SELECT 1 FROM avatars WHERE user_id = $1', [reply.user.id])).toEqual([])
      expect((await push(event(openid, 'user_authorization_revoke', { RevokeInfo: '8' }))).text).toBe('success')
      expect((await get('/auth/me', token)).json.user.phoneMasked).toBeNull()
      expect((await push(event(openid, 'user_authorization_revoke', { RevokeInfo: '6,8' }))).text).toBe('success')
      expect((await get('/auth/me', token)).json.user.loginCount).toBe(1)
    })

    test.each([['19'], ['20']])('revoke %s clears nickname and avatar', async (item) => {
      const { token, openid } = await userWithEverything()
      await push(event(openid, 'user_authorization_revoke', { RevokeInfo: item }))
      expect((await get('/auth/me', token)).json.user).toMatchObject({ nickName: '', hasProfile: false })
    })

    test('user_info_modified clears the profile; cancellation deletes the account, twice is fine', async () => {
      const { token, openid, reply } = await userWithEverything()
      await push(event(openid, 'user_info_modified'))
      expect((await get('/auth/me', token)).json.user.nickName).toBe('')
      const res = await push(event(openid, 'user_authorization_cancellation'))
      expect([res.status, res.text]).toEqual([200, 'success'])
      expect((await get('/auth/me', token)).status).toBe(401)
      expect(await t.server.store.userById(reply.user.id)).toBeNull()
      expect(await rows('SELECT 1 FROM wechat_sessions WHERE openid = $1', [openid])).toEqual([])
      expect((await push(event(openid, 'user_authorization_cancellation'))).text).toBe('success')
    })

    test.each([
      [
        'a forged signature',
        (o: string) => [
          event(o, 'user_authorization_cancellation'),
          `signature=${'a'.repeat(40)}&timestamp=${Math.floor(Date.now() / 1000)}&nonce=1`,
        ],
        403,
      ],
      [
        'a signature made with another token',
        (o: string) => [
          event(o, 'user_authorization_cancellation'),
          signed().replace(/signature=[0-9a-f]+/, `signature=${pushSignature('otherToken', '1', '1')}`),
        ],
        403,
      ],
      [
        'a stale timestamp (replay)',
        (o: string) => [event(o, 'user_authorization_cancellation'), signed(Math.floor(Date.now() / 1000) - 3600)],
        403,
      ],
      ['no signature', (o: string) => [event(o, 'user_authorization_cancellation'), 'timestamp=1&nonce=1'], 400],
      [
        'a foreign AppID',
        (o: string) => [event(o, 'user_authorization_cancellation', { AppID: 'wxffffffffffffffff' }), signed()],
        400,
      ],
      [
        'a malformed event',
        (o: string) => [{ ...event(o, 'user_authorization_cancellation'), MsgType: 'text' }, signed()],
        400,
      ],
      ['a revoke without RevokeInfo', (o: string) => [event(o, 'user_authorization_revoke'), signed()], 400],
      [
        'a revoke with a non-numeric RevokeInfo',
        (o: string) => [event(o, 'user_authorization_revoke', { RevokeInfo: 'x' }), signed()],
        400,
      ],
    ] as const)('%s changes nothing', async (_name, make, status) => {
      const { token, openid } = await userWithEverything()
      const [body, query] = make(openid) as [Record<string, unknown>, string]
      const res = await push(body, query)
      expect(res.status).toBe(status)
      expect((await get('/auth/me', token)).json.user).toMatchObject({ nickName: '小明', phoneMasked: '139****5678' })
      expect(t.logs.join('\n')).toContain('push.refused')
    })
  })

  describe('several mini programs, one account per person (unionid)', () => {
    test('the same person signs in from two apps to one account with two identities; tokens are per app', async () => {
      const openidA = `oA${randomBytes(10).toString('hex')}`
      const openidB = `oB${randomBytes(10).toString('hex')}`
      const unionid = `u${randomBytes(10).toString('hex')}`
      const inApp = (openid: string) => {
        const issued = wechat.issue(openid)
        wechat.codes.get(issued.code)!.unionid = unionid
        return issued.code
      }
      const a = await post('/auth/login', { code: inApp(openidA), consentVersion: PRIVACY_POLICY_VERSION })
      const b = await post('/auth/login', {
        code: inApp(openidB),
        appid: SECOND_APPID,
        consentVersion: PRIVACY_POLICY_VERSION,
      })
      expect([a.json.isNew, b.json.isNew, b.json.user.id]).toEqual([true, false, a.json.user.id])
      expect(
        await rows('SELECT appid, openid FROM identities WHERE user_id = $1 ORDER BY appid', [a.json.user.id]),
      ).toEqual([
        { appid: SECOND_APPID, openid: openidB },
        { appid: TEST_APPID, openid: openidA },
      ])
      const aud = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).aud
      expect([aud(a.json.accessToken), aud(b.json.accessToken)]).toEqual([TEST_APPID, SECOND_APPID])
      // the phone is asked of WeChat as the second app's openid when signed in there
      wechat.phoneOpenids = []
      await post('/auth/phone', { code: 'p' }, b.json.accessToken)
      expect(wechat.phoneOpenids).toEqual([openidB])
      // the Referer WeChat puts on wx.request names the app too
      const viaReferer = await http(url('/auth/login'), {
        method: 'POST',
        body: { code: inApp(openidB) },
        headers: { referer: `https://servicewechat.com/${SECOND_APPID}/3/page-frame.html` },
      })
      expect(aud(viaReferer.json.accessToken)).toBe(SECOND_APPID)
      // deleting from one app deletes the account with every identity
      await http(url('/auth/me'), { method: 'DELETE', token: b.json.accessToken })
      expect(await rows('SELECT 1 FROM identities WHERE user_id = $1', [a.json.user.id])).toEqual([])
      expect((await get('/auth/me', a.json.accessToken)).status).toBe(401)
    })

    test('consent is per mini program: the second app asks for its own before using the profile', async () => {
      const unionid = `u${randomBytes(10).toString('hex')}`
      const inApp = (openid: string) => {
        const issued = wechat.issue(openid)
        wechat.codes.get(issued.code)!.unionid = unionid
        return issued.code
      }
      const openidA = `oA${randomBytes(10).toString('hex')}`
      const a = await post('/auth/login', { code: inApp(openidA), consentVersion: PRIVACY_POLICY_VERSION })
      const b = await post('/auth/login', { code: inApp(`oB${randomBytes(10).toString('hex')}`), appid: SECOND_APPID })
      expect([a.json.user.consentVersion, b.json.user.consentVersion, b.json.user.id]).toEqual([
        PRIVACY_POLICY_VERSION,
        null,
        a.json.user.id,
      ])
      const refused = await post('/auth/profile', { nickName: '小明' }, b.json.accessToken)
      expect([refused.status, refused.json.code]).toEqual([403, 'CONSENT_REQUIRED'])
      expect((await post('/auth/profile', { nickName: '小明' }, a.json.accessToken)).json.user).toMatchObject({
        nickName: '小明',
        consentVersion: PRIVACY_POLICY_VERSION,
      })
      const accepted = await post(
        '/auth/consent',
        { action: 'accept', version: PRIVACY_POLICY_VERSION },
        b.json.accessToken,
      )
      expect(accepted.json.user).toMatchObject({ nickName: '小明', consentVersion: PRIVACY_POLICY_VERSION })
      expect((await post('/auth/profile', { nickName: '小红' }, b.json.accessToken)).status).toBe(200)
      // withdrawing in app A leaves app B's consent as it is
      await post('/auth/consent', { action: 'withdraw' }, a.json.accessToken)
      expect((await get('/auth/me', a.json.accessToken)).json.user.consentVersion).toBeNull()
      expect((await get('/auth/me', b.json.accessToken)).json.user.consentVersion).toBe(PRIVACY_POLICY_VERSION)
      const again = await post('/auth/login', { code: inApp(openidA) })
      expect(again.json.user).toMatchObject({ privacyConsented: false, nickName: '小红' })
    })

    test('without a unionid each app signs in to its own account; an unknown appid is refused', async () => {
      const noUnion = (openid: string) => {
        const issued = wechat.issue(openid)
        delete wechat.codes.get(issued.code)!.unionid
        return issued.code
      }
      const a = await post('/auth/login', { code: noUnion(`oA${randomBytes(10).toString('hex')}`) })
      const b = await post('/auth/login', {
        code: noUnion(`oB${randomBytes(10).toString('hex')}`),
        appid: SECOND_APPID,
      })
      expect(a.json.user.id).not.toBe(b.json.user.id)
      const foreign = await post('/auth/login', { code: noUnion('oC0000000000'), appid: 'wxffffffffffffffff' })
      expect([foreign.status, foreign.json.code]).toEqual([400, 'INVALID_INPUT'])
    })

    test('concurrent first logins of one person from two apps leave one account with two identities', async () => {
      const unionid = `u${randomBytes(10).toString('hex')}`
      const logins = Array.from({ length: 20 }, (_, i) => {
        const issued = wechat.issue(`o${i % 2 ? 'B' : 'A'}${unionid}`)
        wechat.codes.get(issued.code)!.unionid = unionid
        return post('/auth/login', { code: issued.code, ...(i % 2 ? { appid: SECOND_APPID } : {}) })
      })
      const replies = await Promise.all(logins)
      expect(replies.map((r) => r.status)).toEqual(replies.map(() => 200))
      expect(new Set(replies.map((r) => r.json.user.id)).size).toBe(1)
      expect(replies.filter((r) => r.json.isNew).length).toBe(1)
      expect(await rows('SELECT count(*)::int AS n FROM users WHERE unionid = $1', [unionid])).toEqual([{ n: 1 }])
      expect(
        await rows('SELECT count(*)::int AS n FROM identities WHERE user_id = $1', [replies[0].json.user.id]),
      ).toEqual([{ n: 2 }])
    })
  })
})
