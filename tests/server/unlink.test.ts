import { randomBytes } from 'node:crypto'
import { PRIVACY_POLICY_VERSION } from '../../packages/contract/privacy-policy'
import { http } from '../helpers/http'
import { FakeWeChat, startTestServer, TEST_APPID, type TestServer } from '../helpers/login-server'
import { DATABASE_KINDS } from '../helpers/test-database'

/**
 * POST /auth/unlink, the cloud's unlinkApp on the own server: one of two mini programs leaves the account (the
 * other still signs in to it), the only one leaving is a deletion with the receipt, the unlinked app's tokens stop,
 * and a write that fails changes nothing.
 */
const SECOND_APPID = 'wx00000000000000c3'

describe.each(DATABASE_KINDS)('POST /auth/unlink on %s', (kind) => {
  let wechat: FakeWeChat
  let t: TestServer

  beforeAll(async () => {
    wechat = new FakeWeChat()
    t = await startTestServer({ wechat, kind, env: { WEAUTH_MORE_APPS: `${SECOND_APPID}:second-secret` } })
  }, 60_000)
  afterAll(() => t.close())

  const url = (path: string) => `${t.server.url}${path}`
  const post = (path: string, body: unknown, token?: string) => http(url(path), { method: 'POST', body, token })
  const me = (token: string) => http(url('/auth/me'), { token })
  const rows = async (sql: string, params: unknown[] = []) => (await t.database.db.query(sql, params)).rows
  const unlink = (token: string) => post('/auth/unlink', { action: 'unlink', confirm: true }, token)

  /** one person (one unionid) with an openid in each app */
  function person() {
    const unionid = `u${randomBytes(10).toString('hex')}`
    const openids: Record<string, string> = {
      [TEST_APPID]: `oA${randomBytes(10).toString('hex')}`,
      [SECOND_APPID]: `oB${randomBytes(10).toString('hex')}`,
    }
    return {
      openids,
      async signIn(appid: string, consent = true) {
        const issued = wechat.issue(openids[appid])
        wechat.codes.get(issued.code)!.unionid = unionid
        const res = await post('/auth/login', {
          code: issued.code,
          appid,
          ...(consent ? { consentVersion: PRIVACY_POLICY_VERSION } : {}),
        })
        expect(res.status).toBe(200)
        return res.json as {
          accessToken: string
          refreshToken: string
          user: { id: string; privacyConsented: boolean }
        }
      },
    }
  }

  test('the second app leaves: its identity, consent, session_key and tokens go; the first app keeps the account', async () => {
    const p = person()
    const a = await p.signIn(TEST_APPID)
    const b = await p.signIn(SECOND_APPID)
    expect(b.user.id).toBe(a.user.id)
    expect((await post('/auth/unlink', { action: 'preview' }, b.accessToken)).json).toEqual({ ok: true, apps: 2 })

    const res = await unlink(b.accessToken)
    expect(res.status).toBe(200)
    expect(res.json).toEqual({ ok: true, unlinked: { accountDeleted: false, otherApps: 1, at: expect.any(String) } })
    expect(Math.abs(Date.parse(res.json.unlinked.at) - Date.now())).toBeLessThan(60_000)

    // the unlinked app's access and refresh tokens stop; the first app's session does not
    expect((await me(b.accessToken)).status).toBe(401)
    expect((await post('/auth/refresh', { refreshToken: b.refreshToken })).status).toBe(401)
    expect((await me(a.accessToken)).json.user.id).toBe(a.user.id)
    expect(await rows('SELECT appid FROM identities WHERE user_id = $1', [a.user.id])).toEqual([{ appid: TEST_APPID }])
    expect(await rows('SELECT 1 FROM wechat_sessions WHERE openid = $1', [p.openids[SECOND_APPID]])).toEqual([])
    expect(await rows('SELECT 1 FROM users WHERE id = $1', [a.user.id])).toHaveLength(1)

    // the first app still signs in to the same account
    expect((await p.signIn(TEST_APPID, false)).user).toMatchObject({ id: a.user.id, privacyConsented: true })
    // the second app, signing in again with the same unionid, is linked again and asked for its consent again
    const again = await p.signIn(SECOND_APPID, false)
    expect(again.user).toMatchObject({ id: a.user.id, privacyConsented: false })
  })

  test("the account's own app leaves: the other app's consent stays its own, and the openid can sign up anew", async () => {
    const p = person()
    const a = await p.signIn(TEST_APPID, false)
    const b = await p.signIn(SECOND_APPID)
    expect([a.user.privacyConsented, b.user.privacyConsented]).toEqual([false, true])
    expect((await unlink(a.accessToken)).json.unlinked).toMatchObject({ accountDeleted: false, otherApps: 1 })
    expect((await me(a.accessToken)).status).toBe(401)
    expect((await me(b.accessToken)).json.user).toMatchObject({ id: b.user.id, privacyConsented: true })
    expect((await p.signIn(SECOND_APPID, false)).user).toMatchObject({ id: b.user.id, privacyConsented: true })
    // without a unionid the first app's openid is a new person to the server: a new account, not a failure
    const issued = wechat.issue(p.openids[TEST_APPID])
    delete wechat.codes.get(issued.code)!.unionid
    const fresh = await post('/auth/login', { code: issued.code })
    expect([fresh.status, fresh.json.isNew]).toEqual([200, true])
    expect(fresh.json.user.id).not.toBe(b.user.id)
  })

  test('the only app leaving deletes the account and answers the deletion receipt', async () => {
    const p = person()
    const a = await p.signIn(TEST_APPID)
    expect((await post('/auth/unlink', { action: 'preview' }, a.accessToken)).json).toEqual({ ok: true, apps: 1 })
    const res = await unlink(a.accessToken)
    expect(res.status).toBe(200)
    expect(res.json.unlinked).toEqual({
      accountDeleted: true,
      receipt: {
        users: 1,
        files: [],
        removed: [expect.stringContaining('账号记录'), expect.stringContaining('登录会话 1 个')],
        at: expect.any(String),
      },
    })
    expect(await rows('SELECT 1 FROM users WHERE id = $1', [a.user.id])).toEqual([])
    expect(await rows('SELECT 1 FROM identities WHERE openid = $1', [p.openids[TEST_APPID]])).toEqual([])
    expect(await rows('SELECT 1 FROM wechat_sessions WHERE openid = $1', [p.openids[TEST_APPID]])).toEqual([])
    expect((await me(a.accessToken)).status).toBe(401)
    expect((await p.signIn(TEST_APPID, false)).user.id).not.toBe(a.user.id)
  })

  test('both apps unlinking at once: one leaves, the other is the last and deletes the account', async () => {
    const p = person()
    const a = await p.signIn(TEST_APPID)
    const b = await p.signIn(SECOND_APPID)
    const replies = await Promise.all([unlink(a.accessToken), unlink(b.accessToken)])
    expect(replies.map((r) => r.status)).toEqual([200, 200])
    expect(replies.map((r) => r.json.unlinked.accountDeleted).sort()).toEqual([false, true])
    expect(await rows('SELECT 1 FROM users WHERE id = $1', [a.user.id])).toEqual([])
    expect(await rows('SELECT 1 FROM identities WHERE user_id = $1', [a.user.id])).toEqual([])
  })

  test('an unconfirmed or unknown action is INVALID_INPUT and changes nothing; no token is NOT_LOGGED_IN', async () => {
    const p = person()
    const a = await p.signIn(TEST_APPID)
    for (const body of [
      { action: 'unlink' },
      { action: 'unlink', confirm: false },
      { action: 'unlink', confirm: 'true' },
      { action: 'x' },
      {},
    ]) {
      const res = await post('/auth/unlink', body, a.accessToken)
      expect([res.status, res.json.code]).toEqual([400, 'INVALID_INPUT'])
    }
    expect((await post('/auth/unlink', { action: 'unlink', confirm: true })).json.code).toBe('NOT_LOGGED_IN')
    expect((await me(a.accessToken)).status).toBe(200)
  })

  test('a write that fails inside the unlink changes nothing', async () => {
    const p = person()
    const a = await p.signIn(TEST_APPID)
    const b = await p.signIn(SECOND_APPID)
    const db = t.database.db
    await db.query(`CREATE FUNCTION refuse_unlink() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'disk full'; END $$`)
    await db.query(
      'CREATE TRIGGER refuse_unlink BEFORE UPDATE ON sessions FOR EACH ROW EXECUTE FUNCTION refuse_unlink()',
    )
    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined)
    try {
      const res = await unlink(b.accessToken)
      expect([res.status, res.json.code]).toEqual([503, 'UPSTREAM'])
    } finally {
      logged.mockRestore()
      await db.query('DROP TRIGGER refuse_unlink ON sessions')
      await db.query('DROP FUNCTION refuse_unlink()')
    }
    expect(await rows('SELECT appid FROM identities WHERE user_id = $1 ORDER BY appid', [a.user.id])).toHaveLength(2)
    expect(await rows('SELECT 1 FROM wechat_sessions WHERE openid = $1', [p.openids[SECOND_APPID]])).toHaveLength(1)
    expect((await me(b.accessToken)).json.user.privacyConsented).toBe(true)
  })
})
