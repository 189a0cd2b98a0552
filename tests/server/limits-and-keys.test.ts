/**
 * What the server promises about limits, CORS, a database that refuses writes, rolling the signing keys, and
 * more than one instance: each against the running server over HTTP, on PGlite (and real PostgreSQL when
 * WEAUTH_TEST_DATABASE_URL is set, except the read-only case, see below).
 */
import { decodeProtectedHeader } from 'jose'
import { http } from '../helpers/http'
import { FakeWeChat, serversOn, startTestServer, type TestServer } from '../helpers/login-server'
import { DATABASE_KINDS } from '../helpers/test-database'

const CONSENT = { consentVersion: '2026-11' }
const OLD_KEY = 'old:old-signing-key-0123456789abcdefghijklmnop'
const NEW_KEY = 'new:new-signing-key-9876543210zyxwvutsrqponmlk'

async function login(t: TestServer, wechat: FakeWeChat, openid?: string) {
  const { code, openid: issued } = wechat.issue(openid)
  const res = await http(`${t.server.url}/auth/login`, { body: { code, ...CONSENT } })
  return { res, openid: issued }
}

const retryAfter = (res: { headers: Record<string, unknown> }) => Number(res.headers['retry-after'])

describe.each(DATABASE_KINDS)('limits, CORS, keys and instances on %s', (kind) => {
  const { server, sharedDatabase } = serversOn(kind)

  test('per IP on /auth/login: 429 RATE_LIMITED with Retry-After, and the refused login never reaches WeChat', async () => {
    const wechat = new FakeWeChat()
    const t = await server(wechat, { WEAUTH_LOGIN_PER_IP: '3' })
    for (let i = 0; i < 3; i++) expect((await login(t, wechat)).res.status).toBe(200)
    const calls = wechat.calls
    const { res, openid } = await login(t, wechat)
    expect([res.status, res.json.code]).toEqual([429, 'RATE_LIMITED'])
    expect(retryAfter(res)).toBeGreaterThan(0)
    expect(retryAfter(res)).toBeLessThanOrEqual(60)
    expect(wechat.calls).toBe(calls)
    expect(await t.server.store.userByOpenid(openid)).toBeNull()
  })

  test('per user on profile and phone writes: 429 with Retry-After, the refused write changes nothing', async () => {
    const wechat = new FakeWeChat()
    const t = await server(wechat, { WEAUTH_WRITES_PER_USER: '2' })
    const { res, openid } = await login(t, wechat)
    const token = res.json.accessToken as string
    const profile = (nickName: string) => http(`${t.server.url}/auth/profile`, { body: { nickName }, token })
    expect((await profile('一')).status).toBe(200)
    expect((await http(`${t.server.url}/auth/phone`, { body: { code: 'phone-code' }, token })).status).toBe(200)
    const refused = await profile('三')
    expect([refused.status, refused.json.code]).toEqual([429, 'RATE_LIMITED'])
    expect(retryAfter(refused)).toBeGreaterThan(0)
    const phone = await http(`${t.server.url}/auth/phone`, { body: { code: 'phone-code-2' }, token })
    expect([phone.status, phone.json.code]).toEqual([429, 'RATE_LIMITED'])
    expect((await t.server.store.userByOpenid(openid))?.nickName).toBe('一')
    // another user is not limited by this one's writes
    const other = await login(t, wechat)
    const theirs = await http(`${t.server.url}/auth/profile`, {
      body: { nickName: '别人' },
      token: other.res.json.accessToken,
    })
    expect(theirs.status).toBe(200)
  })

  test('CORS: off by default; with an allow-list, only the listed origin is answered', async () => {
    const wechat = new FakeWeChat()
    const preflight = (t: TestServer, origin: string) =>
      http(`${t.server.url}/auth/login`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      })
    const off = await server(wechat)
    expect((await preflight(off, 'https://h5.example.com')).headers['access-control-allow-origin']).toBeUndefined()
    const on = await server(wechat, { WEAUTH_CORS_ORIGINS: 'https://h5.example.com' })
    expect((await preflight(on, 'https://h5.example.com')).headers['access-control-allow-origin']).toBe(
      'https://h5.example.com',
    )
    expect((await preflight(on, 'https://evil.example')).headers['access-control-allow-origin']).toBeUndefined()
    const plain = await http(`${on.server.url}/health`, { headers: { origin: 'https://evil.example' } })
    expect(plain.headers['access-control-allow-origin']).toBeUndefined()
  })

  test('a key roll: the new kid signs, the old kid verifies until retired, and nobody is logged out', async () => {
    const wechat = new FakeWeChat()
    const database = await sharedDatabase()
    const before = await server(wechat, { WEAUTH_TOKEN_KEYS: OLD_KEY }, database)
    const signedIn = await login(before, wechat)
    const oldToken = signedIn.res.json.accessToken as string
    expect(decodeProtectedHeader(oldToken).kid).toBe('old')

    // step 1: the new key first, the old one still listed
    const rolled = await server(wechat, { WEAUTH_TOKEN_KEYS: `${NEW_KEY},${OLD_KEY}` }, database)
    expect((await http(`${rolled.server.url}/auth/me`, { token: oldToken })).status).toBe(200)
    const fresh = await login(rolled, wechat)
    expect(decodeProtectedHeader(fresh.res.json.accessToken).kid).toBe('new')

    // step 2, one access-token lifetime later: the old key retired; its tokens are refused, but the refresh
    // token (random, known to the database, not signed) still renews the session: nobody signs in again
    const retired = await server(wechat, { WEAUTH_TOKEN_KEYS: NEW_KEY }, database)
    expect((await http(`${retired.server.url}/auth/me`, { token: oldToken })).status).toBe(401)
    const renewed = await http(`${retired.server.url}/auth/refresh`, {
      body: { refreshToken: signedIn.res.json.refreshToken },
    })
    expect(renewed.status).toBe(200)
    expect(decodeProtectedHeader(renewed.json.accessToken).kid).toBe('new')
    const me = await http(`${retired.server.url}/auth/me`, { token: renewed.json.accessToken })
    expect([me.status, me.json.user.id]).toEqual([200, signedIn.res.json.user.id])
  })

  test('one access token is valid on every instance of one database, and a logout on one ends it on all', async () => {
    const wechat = new FakeWeChat()
    const database = await sharedDatabase()
    const [a, b] = [await server(wechat, {}, database), await server(wechat, {}, database)]
    const { res } = await login(a, wechat)
    const token = res.json.accessToken as string
    for (const t of [a, b]) {
      const me = await http(`${t.server.url}/auth/me`, { token })
      expect([me.status, me.json.user.id]).toEqual([200, res.json.user.id])
    }
    expect((await http(`${b.server.url}/auth/logout`, { method: 'POST', token })).status).toBe(200)
    for (const t of [a, b]) expect((await http(`${t.server.url}/auth/me`, { token })).status).toBe(401)
  })
})

/**
 * A database that refuses writes (a replica promoted wrongly, a disk gone read-only): every write answers 503
 * with Retry-After and nothing changes. PGlite has one connection, so `SET default_transaction_read_only` turns
 * the whole store read-only at once; a pool of a real server would need every connection turned.
 */
describe('a read-only database (PGlite)', () => {
  test('login and profile writes answer 503 UPSTREAM with Retry-After, and nothing changed', async () => {
    const wechat = new FakeWeChat()
    const t = await startTestServer({ wechat, kind: 'pglite' })
    try {
      const { res, openid } = await login(t, wechat)
      const token = res.json.accessToken as string
      const users = async () => (await t.database.db.query('SELECT count(*)::int AS n FROM users')).rows[0]
      const countBefore = await users()
      await t.database.db.query('SET default_transaction_read_only = on')
      const profile = await http(`${t.server.url}/auth/profile`, { body: { nickName: '只读' }, token })
      expect([profile.status, profile.json.code]).toEqual([503, 'UPSTREAM'])
      expect(retryAfter(profile)).toBeGreaterThan(0)
      const newcomer = await login(t, wechat)
      expect(newcomer.res.status).toBe(503)
      await t.database.db.query('SET default_transaction_read_only = off')
      expect(await users()).toEqual(countBefore)
      expect((await t.server.store.userByOpenid(openid))?.nickName).toBe('')
      expect(await t.server.store.userByOpenid(newcomer.openid)).toBeNull()
    } finally {
      await t.close()
    }
  })
})
