import { startAuthServer, type StartedServer } from '../../server/src'
import { loadConfig } from '../../server/src/config'
import { configureWeChatApi, emulatorAppSecret, issueOpenData } from '../../emulator/src/http/wechat-api'
import { LOGIN_CODE_TTL_MS } from '../../emulator/src/accounts'
import type { WeChatAccount } from '../../emulator/src'
import { useEmulator } from '../helpers/emulator'
import { http } from '../helpers/http'
import { createTestDatabase, type TestDatabase } from '../helpers/test-database'

/**
 * The emulator's `GET /sns/jscode2session` answers like WeChat's, and the reference login server works
 * against it offline: the same code path it takes against api.weixin.qq.com.
 */
const emulator = useEmulator()

const wxLogin = async (account: WeChatAccount) => {
  const reply = await emulator().client('auth.login', account.token, {})
  if (!reply.ok) throw new Error(reply.errMsg)
  return reply.code as string
}

const exchange = (params: Record<string, string | undefined>) => {
  const url = new URL('/sns/jscode2session', emulator().url)
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v)
  return http(url.toString())
}
const appid = () => emulator().ctx.appid
const valid = (code: string) => ({
  appid: appid(),
  secret: emulatorAppSecret(appid()),
  js_code: code,
  grant_type: 'authorization_code',
})

describe('emulator: GET /sns/jscode2session', () => {
  afterEach(() => {
    emulator().faults.clear()
    configureWeChatApi(emulator(), { jscode2sessionPerMinute: 100 })
  })

  test('a fresh wx.login code gives openid, session_key and unionid, as JSON sent as text/plain', async () => {
    const account = await emulator().accounts.create()
    const res = await exchange(valid(await wxLogin(account)))
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('text/plain')
    const fresh = await emulator().accounts.byOpenid(account.openid)
    expect(res.json).toEqual({ openid: account.openid, session_key: fresh!.sessionKey, unionid: account.unionid })
    expect(res.json.errcode).toBeUndefined()
    expect(Buffer.from(res.json.session_key, 'base64')).toHaveLength(16)
  })

  test('no unionid when the account has none', async () => {
    const account = await emulator().accounts.create({ unionid: null })
    const res = await exchange(valid(await wxLogin(account)))
    expect(Object.keys(res.json).sort()).toEqual(['openid', 'session_key'])
  })

  test('a code is single use (40163) and unknown codes are invalid (40029)', async () => {
    const account = await emulator().accounts.create()
    const code = await wxLogin(account)
    expect((await exchange(valid(code))).json.openid).toBe(account.openid)
    expect((await exchange(valid(code))).json).toEqual({
      errcode: 40163,
      errmsg: expect.stringMatching(/^code been used, rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/),
    })
    expect((await exchange(valid('0'.repeat(32)))).json).toEqual({
      errcode: 40029,
      errmsg: expect.stringMatching(/^invalid code, rid: /),
    })
  })

  test('a code older than 5 minutes is invalid (40029)', async () => {
    const account = await emulator().accounts.create()
    const code = await wxLogin(account)
    const realNow = emulator().ctx.now
    emulator().ctx.now = () => realNow() + LOGIN_CODE_TTL_MS + 1
    try {
      expect((await exchange(valid(code))).json.errcode).toBe(40029)
    } finally {
      emulator().ctx.now = realNow
    }
  })

  test('more than the per-minute quota of one user is 45011', async () => {
    configureWeChatApi(emulator(), { jscode2sessionPerMinute: 3 })
    const account = await emulator().accounts.create()
    const other = await emulator().accounts.create()
    const results = []
    for (let i = 0; i < 4; i++) results.push((await exchange(valid(await wxLogin(account)))).json)
    expect(results.slice(0, 3).every((r) => r.openid === account.openid)).toBe(true)
    expect(results[3]).toEqual({ errcode: 45011, errmsg: expect.stringContaining('minute-quota reach limit') })
    // the quota is per user
    expect((await exchange(valid(await wxLogin(other)))).json.openid).toBe(other.openid)
  })

  test('injected WeChat errors (fault service auth, action jscode2session)', async () => {
    const account = await emulator().accounts.create()
    emulator().faults.add({
      service: 'auth',
      action: 'jscode2session',
      wxErrcode: { errcode: 45011, errmsg: 'api minute-quota reach limit' },
      times: 1,
    })
    emulator().faults.add({
      service: 'auth',
      action: 'jscode2session',
      wxErrcode: { errcode: -1, errmsg: 'system error' },
      times: 1,
    })
    expect((await exchange(valid(await wxLogin(account)))).json.errcode).toBe(45011)
    expect((await exchange(valid(await wxLogin(account)))).json.errcode).toBe(-1)
    expect((await exchange(valid(await wxLogin(account)))).json.openid).toBe(account.openid)
  })

  test.each([
    ['appid missing', { appid: undefined }, 41002],
    ['secret missing', { secret: undefined }, 41004],
    ['js_code missing', { js_code: undefined }, 41008],
    ['wrong grant_type', { grant_type: 'client_credential' }, 40002],
    ['another appid', { appid: 'wxffffffffffffffff' }, 40013],
    ['a wrong secret', { secret: '0'.repeat(32) }, 40125],
  ])('%s: errcode %s, and the code is not spent', async (_name, override, errcode) => {
    const account = await emulator().accounts.create()
    const code = await wxLogin(account)
    expect((await exchange({ ...valid(code), ...override })).json.errcode).toBe(errcode)
    expect((await exchange(valid(code))).json.openid).toBe(account.openid)
  })
})

describe('the login server against the emulated WeChat', () => {
  let server: StartedServer
  let database: TestDatabase
  const env = () => ({
    WEAUTH_APPID: appid(),
    WEAUTH_APP_SECRET: emulatorAppSecret(appid()),
    WEAUTH_TOKEN_SECRET: 'emulator-tests-token-secret-0123456789',
    WEAUTH_WECHAT_API: emulator().url,
    PORT: '0',
  })
  beforeAll(async () => {
    database = await createTestDatabase()
    server = await startAuthServer({ config: loadConfig(env()), database: database.db, logger: false })
  }, 60_000)
  afterAll(async () => {
    await server.close()
    await database.drop()
  })

  const post = (path: string, body: unknown, token?: string) =>
    http(`${server.url}${path}`, { method: 'POST', body, token })

  test('wx.login -> /auth/login -> jscode2session -> token; the code cannot be replayed', async () => {
    const account = await emulator().accounts.create()
    const code = await wxLogin(account)
    const login = await post('/auth/login', { code, consentVersion: '2026-11' })
    expect(login.status).toBe(200)
    expect(login.json).toMatchObject({ ok: true, isNew: true, user: { loginCount: 1, privacyConsented: true } })
    const fresh = await emulator().accounts.byOpenid(account.openid)
    expect(login.text).not.toContain(fresh!.sessionKey!)
    expect(login.text).not.toContain(account.openid)
    expect((await http(`${server.url}/auth/me`, { token: login.json.accessToken })).json.user.id).toBe(
      login.json.user.id,
    )

    const replay = await post('/auth/login', { code })
    expect([replay.status, replay.json.code]).toEqual([400, 'WECHAT_CODE_USED'])
  })

  test('rate limiting and WeChat outages reach the client as 429 and 502', async () => {
    const account = await emulator().accounts.create()
    emulator().faults.add({
      service: 'auth',
      action: 'jscode2session',
      wxErrcode: { errcode: 45011, errmsg: 'api minute-quota reach limit' },
      times: 1,
    })
    const limited = await post('/auth/login', { code: await wxLogin(account) })
    expect([limited.status, limited.json.code]).toEqual([429, 'RATE_LIMITED'])
    emulator().faults.add({
      service: 'auth',
      action: 'jscode2session',
      wxErrcode: { errcode: -1, errmsg: 'system error' },
      times: 1,
    })
    const outage = await post('/auth/login', { code: await wxLogin(account) })
    expect([outage.status, outage.json.code]).toEqual([502, 'UPSTREAM'])
  })

  test('a server configured with the wrong secret cannot sign anyone in', async () => {
    const wrong = await startAuthServer({
      config: loadConfig({ ...env(), WEAUTH_APP_SECRET: 'f'.repeat(32) }),
      database: database.db,
      logger: false,
    })
    try {
      const account = await emulator().accounts.create()
      const res = await http(`${wrong.url}/auth/login`, { method: 'POST', body: { code: await wxLogin(account) } })
      expect([res.status, res.json.code]).toEqual([500, 'INTERNAL'])
    } finally {
      await wrong.close()
    }
  })

  test('open data the emulated WeChat encrypts with the session_key: phone (encryptedData) and profile (signed rawData)', async () => {
    const account = await emulator().accounts.create({ phoneNumber: '13566667777', nickName: '阿强' })
    const login = await post('/auth/login', { code: await wxLogin(account), consentVersion: '2026-11' })
    const token = login.json.accessToken

    const phone = await post('/auth/phone', await issueOpenData(emulator(), account.openid, 'phone'), token)
    expect(phone.json).toMatchObject({ ok: true, user: { phoneMasked: '135****7777' } })

    const { rawData, signature } = await issueOpenData(emulator(), account.openid, 'userInfo')
    const profile = await post('/auth/profile', { rawData, signature }, token)
    expect(profile.json).toMatchObject({ ok: true, user: { nickName: '阿强' } })

    // data sealed for another appid is refused
    const foreign = await post(
      '/auth/phone',
      await issueOpenData(emulator(), account.openid, 'phone', { appid: 'wxffffffffffffffff' }),
      token,
    )
    expect(foreign.json.code).toBe('OPEN_DATA_INVALID')
    // a wx.login the server never heard of rotates the session_key: what WeChat seals next cannot be opened
    // until the client logs in to the server again with that code
    await wxLogin(account)
    const rotated = await issueOpenData(emulator(), account.openid, 'phone')
    expect((await post('/auth/phone', rotated, token)).json.code).toBe('OPEN_DATA_INVALID')
    const relogin = await post('/auth/login', { code: await wxLogin(account) })
    const fresh = await issueOpenData(emulator(), account.openid, 'phone')
    expect((await post('/auth/phone', fresh, relogin.json.accessToken)).json.ok).toBe(true)
  })
})
