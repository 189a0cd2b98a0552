import { createHash, randomBytes } from 'node:crypto'
import { ERRORS } from '../../packages/contract/errors'
import { PRIVACY_POLICY_VERSION } from '../../packages/contract/privacy-policy'
import { loadConfig, startAuthServer, type StartedServer } from '../../server/src'
import { emulatorAppSecret } from '../../emulator/src/http/wechat-api'
import { startEmulator, type Emulator } from '../../emulator/src'
import { http, type HttpReply } from '../helpers/http'
import { documented, documentedOperations, resolve, spec, validate } from '../helpers/openapi-contract'
import { createTestDatabase, type TestDatabase } from '../helpers/test-database'

/**
 * The contract suite: black-box tests of server/openapi.yaml over HTTP, against any login server whose
 * WeChat API is the emulator (`npm run contract -- --url <server> --emulator <emulator>`; see
 * docs/classic-backend.md). Without a URL it starts the emulator and the reference server itself, which is
 * how `npm test` runs it. Only HTTP is used: codes come from the emulator's simulated WeChat client
 * (POST /control/accounts.create, POST /client/auth.login), never from the server's insides.
 */
const TARGET = process.env.WEAUTH_CONTRACT_URL
const WECHAT = process.env.WEAUTH_CONTRACT_EMULATOR_URL
/** the emulator run's control token (it prints it at start: x-weauth-control-token) */
let controlToken = process.env.WEAUTH_CONTRACT_EMULATOR_TOKEN ?? ''
/** the Token the server under test checks WeChat's message-push signatures with (its 消息推送 Token) */
const PUSH_TOKEN = process.env.WEAUTH_CONTRACT_PUSH_TOKEN ?? (TARGET ? '' : 'contractPushToken1')

let base = ''
let wechatBase = ''
let emulator: Emulator | undefined
let reference: StartedServer | undefined
let database: TestDatabase | undefined
/** the mini program the server signs in for: the emulator's own appid */
let appidOfServer = ''

beforeAll(async () => {
  if (TARGET) {
    if (!WECHAT) throw new Error('WEAUTH_CONTRACT_EMULATOR_URL (--emulator) must name the emulator the server uses')
    base = TARGET.replace(/\/+$/, '')
    wechatBase = WECHAT.replace(/\/+$/, '')
    appidOfServer = String((await wechat('control', 'openPlatform.list', {})).owner)
    return
  }
  emulator = await startEmulator({})
  controlToken = emulator.controlToken
  database = await createTestDatabase()
  const appid = emulator.ctx.appid
  appidOfServer = appid
  reference = await startAuthServer({
    config: loadConfig({
      WEAUTH_APPID: appid,
      WEAUTH_APP_SECRET: emulatorAppSecret(appid),
      WEAUTH_TOKEN_SECRET: 'contract-suite-token-secret-0123456789',
      WEAUTH_WECHAT_API: emulator.url,
      WEAUTH_PUSH_TOKEN: PUSH_TOKEN,
      PORT: '0',
    }),
    database: database.db,
    logger: false,
  })
  base = reference.url
  wechatBase = emulator.url
}, 60_000)
afterAll(async () => {
  await reference?.close()
  await database?.drop()
  await emulator?.stop()
})

// ---- the emulated WeChat, over HTTP --------------------------------------------------------------------

async function wechat(area: 'control' | 'client', op: string, body: unknown, token?: string) {
  const res = await http(`${wechatBase}/${area}/${op}`, {
    method: 'POST',
    body,
    headers: token ? { 'x-weauth-token': token } : { 'x-weauth-control-token': controlToken },
  })
  if (!res.json?.ok) throw new Error(`emulator ${op}: ${res.text}`)
  return res.json
}
const newAccount = async (phoneNumber = `139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`) =>
  (await wechat('control', 'accounts.create', { phoneNumber })).account as { token: string; openid: string }
const wxLogin = async (account: { token: string }) =>
  (await wechat('client', 'auth.login', {}, account.token)).code as string
const phoneCode = async (account: { token: string }) =>
  (await wechat('client', 'wechat.getPhoneNumberCode', {}, account.token)).code as string

// ---- the server under test -------------------------------------------------------------------------------

const call = (method: string, path: string, body?: unknown, token?: string) =>
  http(`${base}${path}`, { method, ...(body !== undefined ? { body } : {}), token })

/** The reply has a documented status and validates against the schema documented for it. */
function conforms(method: string, path: string, reply: HttpReply, status?: number) {
  const label = `${method} ${path} ${reply.status}`
  if (status !== undefined) expect({ [label]: reply.status }).toEqual({ [label]: status })
  expect({ [label]: validate(reply.json, documented(method, path, reply.status)) }).toEqual({ [label]: [] })
  expect(reply.headers['cache-control']).toContain('no-store')
}

async function signIn(account?: { token: string; openid: string }) {
  const who = account ?? (await newAccount())
  const res = await call('POST', '/auth/login', { code: await wxLogin(who), consentVersion: '2026-11' })
  conforms('POST', '/auth/login', res, 200)
  return {
    account: who,
    reply: res.json,
    token: res.json.accessToken as string,
    refresh: res.json.refreshToken as string,
  }
}

describe('the contract of server/openapi.yaml', () => {
  test('every documented operation exists', async () => {
    expect(spec.openapi).toBe('3.1.0')
    for (const op of documentedOperations()) {
      const [method, path] = op.split(' ')
      const concrete = path.replace('{id}', '0'.repeat(24))
      const res = await http(`${base}${concrete}`, { method, ...(method === 'POST' ? { body: {} } : {}) })
      expect({ op, status: res.status === 405 || (res.status === 404 && !concrete.startsWith('/avatars')) }).toEqual({
        op,
        status: false,
      })
    }
  })

  test("the documented error codes are the contract table's", () => {
    const codes: string[] = resolve({ $ref: '#/components/schemas/ErrorCode' }).enum
    for (const code of codes) expect(Object.keys(ERRORS)).toContain(code)
  })

  test('login: a wx.login code signs in once; the same user signs in to the same record; a spent code is WECHAT_CODE_USED', async () => {
    const account = await newAccount()
    const code = await wxLogin(account)
    const first = await call('POST', '/auth/login', { code, consentVersion: '2026-11' })
    conforms('POST', '/auth/login', first, 200)
    expect(first.json).toMatchObject({
      isNew: true,
      tokenType: 'Bearer',
      user: { loginCount: 1, privacyConsented: true },
    })
    expect(first.text).not.toContain(account.openid)
    const replay = await call('POST', '/auth/login', { code })
    conforms('POST', '/auth/login', replay, 400)
    expect(replay.json.code).toBe('WECHAT_CODE_USED')
    const again = await signIn(account)
    expect(again.reply).toMatchObject({ isNew: false, user: { id: first.json.user.id, loginCount: 2 } })
  })

  test('login: bad input, unknown codes, odd content types, huge bodies', async () => {
    const bad = await call('POST', '/auth/login', { nope: true })
    conforms('POST', '/auth/login', bad, 400)
    expect(bad.json.code).toBe('INVALID_INPUT')
    const unknown = await call('POST', '/auth/login', { code: randomBytes(16).toString('hex') })
    conforms('POST', '/auth/login', unknown, 400)
    expect(unknown.json.code).toBe('WECHAT_CODE_INVALID')
    const form = await http(`${base}/auth/login`, {
      method: 'POST',
      rawBody: 'code=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })
    conforms('POST', '/auth/login', form, 415)
    const huge = await call('POST', '/auth/login', { code: 'x'.repeat(20_000) })
    conforms('POST', '/auth/login', huge, 413)
  })

  test('me, phone by code, profile, logout: the documented replies', async () => {
    const { token, account } = await signIn()
    conforms('GET', '/auth/me', await call('GET', '/auth/me', undefined, token), 200)
    const anonymous = await call('GET', '/auth/me')
    conforms('GET', '/auth/me', anonymous, 401)
    expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer /)
    const phone = await call('POST', '/auth/phone', { code: await phoneCode(account) }, token)
    conforms('POST', '/auth/phone', phone, 200)
    expect(phone.json.user.phoneMasked).toMatch(/^\d{3}\*+\d{4}$/)
    const spent = await call('POST', '/auth/phone', { code: randomBytes(32).toString('hex') }, token)
    conforms('POST', '/auth/phone', spent, 400)
    expect(spent.json.code).toBe('PHONE_CODE_INVALID')
    const garbage = await call('POST', '/auth/phone', { encryptedData: 'AAAA', iv: 'AAAA' }, token)
    conforms('POST', '/auth/phone', garbage, 400)
    expect(garbage.json.code).toBe('OPEN_DATA_INVALID')
    const profile = await call(
      'POST',
      '/auth/profile',
      { nickName: '小红', avatarUrl: 'https://example.com/a.png' },
      token,
    )
    conforms('POST', '/auth/profile', profile, 200)
    expect(profile.json.user).toMatchObject({ nickName: '小红', hasProfile: true })
    conforms('POST', '/auth/profile', await call('POST', '/auth/profile', { nickName: '' }, token), 400)
    conforms('POST', '/auth/logout', await call('POST', '/auth/logout', {}, token), 200)
    conforms('POST', '/auth/logout', await call('POST', '/auth/logout', {}, token), 401)
  })

  test('refresh tokens rotate, and a replayed one ends its session', async () => {
    const { refresh } = await signIn()
    const next = await call('POST', '/auth/refresh', { refreshToken: refresh })
    conforms('POST', '/auth/refresh', next, 200)
    expect(next.json.refreshToken).not.toBe(refresh)
    conforms('GET', '/auth/me', await call('GET', '/auth/me', undefined, next.json.accessToken), 200)
    const replay = await call('POST', '/auth/refresh', { refreshToken: refresh })
    conforms('POST', '/auth/refresh', replay, 401)
    conforms('GET', '/auth/me', await call('GET', '/auth/me', undefined, next.json.accessToken), 401)
    conforms(
      'POST',
      '/auth/refresh',
      await call('POST', '/auth/refresh', { refreshToken: next.json.refreshToken }),
      401,
    )
  })

  test('log out everywhere ends every session of the user', async () => {
    const a = await signIn()
    const b = await signIn(a.account)
    const res = await call('POST', '/auth/logout-all', {}, b.token)
    conforms('POST', '/auth/logout-all', res, 200)
    conforms('GET', '/auth/me', await call('GET', '/auth/me', undefined, a.token), 401)
  })

  test('deleting the account ends its tokens, and the next login is a new user', async () => {
    const { token, refresh, account, reply } = await signIn()
    const res = await call('DELETE', '/auth/me', undefined, token)
    conforms('DELETE', '/auth/me', res, 200)
    expect(res.json.deleted.users).toBe(1)
    conforms('GET', '/auth/me', await call('GET', '/auth/me', undefined, token), 401)
    conforms('POST', '/auth/refresh', await call('POST', '/auth/refresh', { refreshToken: refresh }), 401)
    const after = await signIn(account)
    expect(after.reply.isNew).toBe(true)
    expect(after.reply.user.id).not.toBe(reply.user.id)
  })

  test('forged tokens are NOT_LOGGED_IN', async () => {
    const { token } = await signIn()
    const [h, p] = token.split('.')
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${p}.`
    for (const forged of [`${h}.${p}.${'A'.repeat(43)}`, none, 'garbage']) {
      const res = await call('GET', '/auth/me', undefined, forged)
      conforms('GET', '/auth/me', res, 401)
      expect(res.json.code).toBe('NOT_LOGGED_IN')
    }
  })

  test('consent: accept the current version, withdraw, and writes stop until accepted again', async () => {
    const account = await newAccount()
    const silent = await call('POST', '/auth/login', { code: await wxLogin(account) })
    conforms('POST', '/auth/login', silent, 200)
    expect(silent.json.user).toMatchObject({ privacyConsented: false, consentVersion: null })
    const token = silent.json.accessToken as string
    const outdated = await call('POST', '/auth/consent', { action: 'accept', version: '2000-01' }, token)
    conforms('POST', '/auth/consent', outdated, 400)
    const accepted = await call('POST', '/auth/consent', { action: 'accept', version: PRIVACY_POLICY_VERSION }, token)
    conforms('POST', '/auth/consent', accepted, 200)
    expect(accepted.json.user).toMatchObject({ privacyConsented: true, consentVersion: PRIVACY_POLICY_VERSION })
    conforms('POST', '/auth/profile', await call('POST', '/auth/profile', { nickName: '小明' }, token), 200)
    const withdrawn = await call('POST', '/auth/consent', { action: 'withdraw' }, token)
    conforms('POST', '/auth/consent', withdrawn, 200)
    expect(withdrawn.json.user).toMatchObject({ privacyConsented: false, consentVersion: null })
    const refused = await call('POST', '/auth/profile', { nickName: '小红' }, token)
    conforms('POST', '/auth/profile', refused, 403)
    expect(refused.json.code).toBe('CONSENT_REQUIRED')
    conforms('POST', '/auth/consent', await call('POST', '/auth/consent', { action: 'withdraw' }), 401)
  })

  test("phone login: signs in with the phone in one step; a victim's phone code is refused and writes nothing", async () => {
    const victim = await newAccount('13800138000')
    const attacker = await newAccount()
    const stolen = await phoneCode(victim)
    const refused = await call('POST', '/auth/phone-login', {
      code: await wxLogin(attacker),
      phoneCode: stolen,
      consentVersion: PRIVACY_POLICY_VERSION,
    })
    conforms('POST', '/auth/phone-login', refused, 400)
    expect(refused.json.code).toBe('PHONE_CODE_INVALID')
    const res = await call('POST', '/auth/phone-login', {
      code: await wxLogin(victim),
      phoneCode: await phoneCode(victim),
      consentVersion: PRIVACY_POLICY_VERSION,
    })
    conforms('POST', '/auth/phone-login', res, 200)
    expect(res.json).toMatchObject({
      isNew: true,
      user: { phoneMasked: '138****8000', consentVersion: PRIVACY_POLICY_VERSION },
    })
    expect(res.text).not.toContain('13800138000')
    expect(res.text).not.toContain(victim.openid)
    // the attacker signs in normally: an account without the victim's number
    const attackerIn = await signIn(attacker)
    expect(attackerIn.reply.user.phoneMasked).toBeNull()
    const noConsent = await call('POST', '/auth/phone-login', { code: await wxLogin(victim), phoneCode: 'x' })
    conforms('POST', '/auth/phone-login', noConsent, 400)
    expect(noConsent.json.code).toBe('INVALID_INPUT')
  })

  test("nickname: the contract's rules answer their own code; WeChat's content check refuses risky text", async () => {
    const { token } = await signIn()
    const zeroWidth = await call('POST', '/auth/profile', { nickName: 'a\u200Bb' }, token)
    conforms('POST', '/auth/profile', zeroWidth, 400)
    expect([zeroWidth.json.code, zeroWidth.json.message]).toEqual([
      'NICKNAME_INVISIBLE_CHAR',
      ERRORS.NICKNAME_INVISIBLE_CHAR.message,
    ])
    const word = `违禁${randomBytes(3).toString('hex')}`
    await wechat('control', 'openapi.addRiskyWords', { words: [word] })
    const risky = await call('POST', '/auth/profile', { nickName: `我是${word}` }, token)
    conforms('POST', '/auth/profile', risky, 400)
    expect([risky.json.code, risky.json.message]).toEqual(['RISKY_CONTENT', ERRORS.RISKY_CONTENT.message])
    const me = await call('GET', '/auth/me', undefined, token)
    expect(me.json.user.nickName).toBe('')
  })

  test('deletion answers the receipt: what was removed and when', async () => {
    const { token, account } = await signIn()
    await call('POST', '/auth/phone', { code: await phoneCode(account) }, token)
    const res = await call('DELETE', '/auth/me', undefined, token)
    conforms('DELETE', '/auth/me', res, 200)
    expect(res.json.deleted).toMatchObject({ users: 1, files: [] })
    expect(res.json.deleted.removed.length).toBeGreaterThan(1)
    expect(Math.abs(Date.parse(res.json.deleted.at) - Date.now())).toBeLessThan(60_000)
  })

  test('unlink: the preview counts the apps; unlinking the only one is a deletion with the receipt', async () => {
    const { token, refresh } = await signIn()
    const preview = await call('POST', '/auth/unlink', { action: 'preview' }, token)
    conforms('POST', '/auth/unlink', preview, 200)
    expect(preview.json.apps).toBe(1)
    for (const unconfirmed of [{ action: 'unlink' }, { action: 'unlink', confirm: false }, { action: 'leave' }]) {
      conforms('POST', '/auth/unlink', await call('POST', '/auth/unlink', unconfirmed, token), 400)
    }
    const res = await call('POST', '/auth/unlink', { action: 'unlink', confirm: true }, token)
    conforms('POST', '/auth/unlink', res, 200)
    expect(res.json.unlinked).toMatchObject({ accountDeleted: true, receipt: { users: 1, files: [] } })
    conforms('POST', '/auth/unlink', await call('POST', '/auth/unlink', { action: 'preview' }, token), 401)
    conforms('POST', '/auth/refresh', await call('POST', '/auth/refresh', { refreshToken: refresh }), 401)
  })

  describe("WeChat's message push (server-URL mode)", () => {
    const signedQuery = (token = PUSH_TOKEN, timestamp = Math.floor(Date.now() / 1000)) => {
      const nonce = randomBytes(6).toString('hex')
      const signature = createHash('sha1')
        .update([token, String(timestamp), nonce].sort().join(''))
        .digest('hex')
      return `signature=${signature}&timestamp=${timestamp}&nonce=${nonce}`
    }
    const push = (event: Record<string, unknown>, query = signedQuery()) =>
      http(`${base}/wechat/push?${query}`, { method: 'POST', body: event })
    const event = (openid: string, type: string, extra: Record<string, unknown> = {}) => ({
      ToUserName: 'gh_000000000000',
      FromUserName: 'o_platform_push',
      CreateTime: Math.floor(Date.now() / 1000),
      MsgType: 'event',
      Event: type,
      OpenID: openid,
      AppID: appidOfServer,
      ...extra,
    })

    beforeAll(() => {
      if (!PUSH_TOKEN)
        throw new Error('WEAUTH_CONTRACT_PUSH_TOKEN (--push-token) must be the Token the server checks pushes with')
    })

    test('the URL check answers echostr to a good signature only', async () => {
      const ok = await http(`${base}/wechat/push?${signedQuery()}&echostr=weauth42`)
      expect([ok.status, ok.text]).toEqual([200, 'weauth42'])
      const forged = await http(`${base}/wechat/push?${signedQuery('notTheToken')}&echostr=weauth42`)
      expect(forged.status).toBe(403)
      conforms('GET', '/wechat/push', forged, 403)
    })

    test('revoke 8 clears the phone; a forged or foreign push changes nothing; cancellation deletes', async () => {
      const { token, account } = await signIn()
      await call('POST', '/auth/phone', { code: await phoneCode(account) }, token)
      const forged = await push(event(account.openid, 'user_authorization_cancellation'), signedQuery('notTheToken'))
      conforms('POST', '/wechat/push', forged, 403)
      const foreign = await push(
        event(account.openid, 'user_authorization_cancellation', { AppID: 'wxffffffffffffffff' }),
      )
      conforms('POST', '/wechat/push', foreign, 400)
      const malformed = await push({ ...event(account.openid, 'user_authorization_revoke'), RevokeInfo: 'x' })
      conforms('POST', '/wechat/push', malformed, 400)
      expect((await call('GET', '/auth/me', undefined, token)).json.user.phoneMasked).not.toBeNull()
      const revoke = await push(event(account.openid, 'user_authorization_revoke', { RevokeInfo: '8' }))
      expect([revoke.status, revoke.text]).toEqual([200, 'success'])
      expect((await call('GET', '/auth/me', undefined, token)).json.user.phoneMasked).toBeNull()
      const cancel = await push(event(account.openid, 'user_authorization_cancellation'))
      expect([cancel.status, cancel.text]).toEqual([200, 'success'])
      conforms('GET', '/auth/me', await call('GET', '/auth/me', undefined, token), 401)
      expect((await push(event(account.openid, 'user_authorization_cancellation'))).text).toBe('success')
    })
  })

  test('health', async () => {
    conforms('GET', '/health', await call('GET', '/health'), 200)
  })

  test('the validator itself catches a reply that breaks the contract', () => {
    const schema = documented('POST', '/auth/login', 200)
    expect(validate({ ok: true, user: {}, isNew: true }, schema).length).toBeGreaterThan(0)
    expect(
      validate({ ok: false, code: 'SOMETHING_ELSE', message: 'x' }, documented('POST', '/auth/login', 400)),
    ).toEqual(['$.code: "SOMETHING_ELSE" not in enum'])
  })
})
