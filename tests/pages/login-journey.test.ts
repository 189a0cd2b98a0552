import { documents, useEmulator } from '../helpers/emulator'
import { HTTP_WEAPP_DIST, useAuthServer } from '../helpers/http-auth'
import { consentAndAuthorize, eventually, launch, type LaunchOptions } from '../helpers/miniprogram'
import type { WeChatAccount } from '../../emulator/src'

/**
 * One login journey, run unchanged against both auth providers: the same compiled pages, built once with
 * TARO_APP_AUTH_PROVIDER=cloud (dist/) and once with =http (test-output/weapp-http/, talking to the reference
 * login server in server/, which exchanges codes at the emulator's jscode2session).
 */
const emulator = useEmulator()

interface StoredToken {
  v: number
  token: string
  expiresAt: number
  refreshToken?: string
  refreshExpiresAt?: number
}
const authServer = useAuthServer(emulator)

interface Provider {
  /** extra launch options that select the build */
  launchWith: () => Partial<LaunchOptions>
  /** the backend round trips among the wx calls */
  backendCalls: (calls: string[]) => string[]
  /** the user records the backend holds for this WeChat user */
  records: (openid: string) => Promise<Array<{ loginCount: number }>>
  /** makes the next sign-in fail on the backend side `times` times (a tap makes up to 3 attempts) */
  failNextLogin: (times?: number) => void
}

const providers: Array<[string, Provider]> = [
  [
    'cloud',
    {
      launchWith: () => ({}),
      backendCalls: (calls) => calls.filter((c) => c.startsWith('cloud.callFunction')),
      records: async (openid) =>
        (await documents(emulator(), 'users')).filter((u) => u._openid === openid) as Array<{ loginCount: number }>,
      failNextLogin: (times = 3) =>
        emulator().faults.add({
          service: 'functions',
          action: 'login',
          error: { code: 'FUNCTIONS_EXECUTE_FAIL', message: 'injected' },
          times,
        }),
    },
  ],
  [
    'http',
    {
      launchWith: () => ({ dist: HTTP_WEAPP_DIST, request: authServer.request }),
      backendCalls: (calls) => calls.filter((c) => c.startsWith('request:')),
      records: async (openid) => {
        const user = await authServer.server().userByOpenid(openid)
        return user ? [user] : []
      },
      // WeChat's side fails: jscode2session answers -1, the server answers 502 UPSTREAM
      failNextLogin: (times = 3) =>
        emulator().faults.add({
          service: 'auth',
          action: 'jscode2session',
          wxErrcode: { errcode: -1, errmsg: 'system error' },
          times,
        }),
    },
  ],
]

describe.each(providers)('login journey with the %s auth provider', (_name, provider) => {
  const start = (account: WeChatAccount, extra: Partial<LaunchOptions> = {}) =>
    launch({ emulator: emulator(), account, ...provider.launchWith(), ...extra })

  async function signInOnAuthPage(account: WeChatAccount, extra: Partial<LaunchOptions> = {}) {
    const mp = await start(account, extra)
    const page = await mp.open('pages/auth/index', { redirect: '/pages/index/index' })
    await consentAndAuthorize(page)
    await page.find('auth-success')
    return mp
  }

  test('nothing is requested before consent; after consent one tap signs in and creates one user', async () => {
    const account = await emulator().accounts.create()
    const mp = await start(account)
    const page = await mp.open('pages/auth/index', { redirect: '/pages/index/index' })
    await page.tap('authorize-button')
    expect(mp.runtime.state.calls).not.toContain('login')
    expect(provider.backendCalls(mp.runtime.state.calls)).toHaveLength(0)

    await consentAndAuthorize(page)
    await page.find('auth-success')
    await page.find('profile-form')
    const records = await eventually(async () => {
      const found = await provider.records(account.openid)
      expect(found).toHaveLength(1)
      return found
    })
    expect(records[0].loginCount).toBe(1)
    expect(provider.backendCalls(mp.runtime.state.calls)).toHaveLength(1)
    expect(mp.runtime.wx.getStorageSync('weauth:session')).toMatchObject({
      user: { loginCount: 1, privacyConsented: true },
    })
  })

  test('one transient backend failure is retried with backoff, unseen by the user', async () => {
    const account = await emulator().accounts.create()
    provider.failNextLogin(1)
    const mp = await signInOnAuthPage(account)
    expect(provider.backendCalls(mp.runtime.state.calls)).toHaveLength(2)
    expect(await provider.records(account.openid)).toHaveLength(1)
  })

  test('a backend failure that outlasts the retries shows a retryable error, and a later tap succeeds', async () => {
    const account = await emulator().accounts.create()
    provider.failNextLogin()
    const mp = await start(account)
    const page = await mp.open('pages/auth/index')
    await consentAndAuthorize(page)
    expect(await page.text('auth-error')).toContain('服务暂时不可用')
    expect(await page.text('authorize-button')).toContain('重试')
    expect(await provider.records(account.openid)).toHaveLength(0)

    await page.tap('authorize-button')
    await page.find('auth-success')
    expect(await provider.records(account.openid)).toHaveLength(1)
  })

  test('a returning user with a valid WeChat session is signed in on launch with zero backend calls', async () => {
    const account = await emulator().accounts.create({ nickName: '小明' })
    const first = await signInOnAuthPage(account)
    const second = await start(account, { device: first.runtime.device })
    const home = await second.open('pages/index/index')
    expect(await home.text('home-login-count')).toContain('第 1 次登录')
    expect(second.runtime.state.calls).toContain('checkSession')
    expect(provider.backendCalls(second.runtime.state.calls)).toHaveLength(0)
  })

  test('an expired WeChat session is renewed silently with one backend call', async () => {
    const account = await emulator().accounts.create()
    const first = await signInOnAuthPage(account)
    await emulator().accounts.expireSession(account.openid)
    const second = await start(account, { device: first.runtime.device })
    const home = await second.open('pages/index/index')
    expect(await home.text('home-login-count')).toContain('第 2 次登录')
    expect(provider.backendCalls(second.runtime.state.calls)).toHaveLength(1)
    expect((await provider.records(account.openid))[0].loginCount).toBe(2)
  })

  test('logging out in the user center forgets the login state on the device', async () => {
    const account = await emulator().accounts.create()
    const first = await signInOnAuthPage(account)
    const mp = await start(account, { device: first.runtime.device })
    const center = await mp.open('pages/user/index')
    await center.tap('user-logout')
    expect(mp.runtime.state.navigations).toContainEqual({
      kind: 'reLaunch',
      url: '/pages/index/index',
      delta: undefined,
    })
    expect(mp.runtime.wx.getStorageSync('weauth:session')).toBe('')
    const home = await mp.open('pages/index/index')
    await home.find('home-login')
  })
})

describe('the http provider specifically', () => {
  const start = (account: WeChatAccount, extra: Partial<LaunchOptions> = {}) =>
    launch({ emulator: emulator(), account, dist: HTTP_WEAPP_DIST, request: authServer.request, ...extra })
  const loginRequests = (calls: string[]) => calls.filter((c) => c === 'request:POST /auth/login')

  async function signIn(account: WeChatAccount) {
    const mp = await start(account)
    const page = await mp.open('pages/auth/index')
    await consentAndAuthorize(page)
    await page.find('auth-success')
    return mp
  }

  test('the device keeps a short-lived bearer token and a refresh token, never the openid or the session_key', async () => {
    const account = await emulator().accounts.create()
    const mp = await signIn(account)
    expect(mp.runtime.state.calls).not.toContain('cloud.callFunction:login')
    const token = mp.runtime.wx.getStorageSync('weauth:token') as StoredToken
    expect(token).toMatchObject({
      v: 2,
      token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      refreshToken: expect.stringMatching(/^[\w-]{43}$/),
    })
    expect(token.expiresAt).toBeGreaterThan(Date.now() + 10 * 60 * 1000)
    expect(token.expiresAt).toBeLessThan(Date.now() + 16 * 60 * 1000)
    expect(token.refreshExpiresAt).toBeGreaterThan(Date.now() + 29 * 24 * 3600 * 1000)
    const sessionKey = (await emulator().accounts.byOpenid(account.openid))!.sessionKey!
    const everythingStored = JSON.stringify([...mp.runtime.state.storage.values()])
    expect(everythingStored).not.toContain(sessionKey)
    expect(everythingStored).not.toContain(account.openid)
  })

  test('a refused login code (already used) is retried once with a fresh wx.login, unseen by the user', async () => {
    const account = await emulator().accounts.create()
    emulator().faults.add({
      service: 'auth',
      action: 'jscode2session',
      wxErrcode: { errcode: 40163, errmsg: 'code been used' },
      times: 1,
    })
    const mp = await signIn(account)
    expect(mp.runtime.state.calls.filter((c) => c === 'login')).toHaveLength(2)
    expect(loginRequests(mp.runtime.state.calls)).toHaveLength(2)
  })

  test("WeChat's rate limit (45011) reaches the user as a clear, retryable message", async () => {
    const account = await emulator().accounts.create()
    emulator().faults.add({
      service: 'auth',
      action: 'jscode2session',
      wxErrcode: { errcode: 45011, errmsg: 'api minute-quota reach limit' },
      times: 1,
    })
    const mp = await start(account)
    const page = await mp.open('pages/auth/index')
    await consentAndAuthorize(page)
    expect(await page.text('auth-error')).toContain('操作太频繁')
    await page.tap('authorize-button')
    await page.find('auth-success')
  })

  test('the server unreachable is a network error, not an endless spinner', async () => {
    const account = await emulator().accounts.create()
    const mp = await start(account)
    const page = await mp.open('pages/auth/index')
    authServer.offline = true
    try {
      await consentAndAuthorize(page)
      expect(await page.text('auth-error')).toContain('网络异常')
    } finally {
      authServer.offline = false
    }
  })

  test('an expired access token is renewed with the refresh token at the next call, without wx.login', async () => {
    const account = await emulator().accounts.create({ phoneNumber: '13812340000' })
    const first = await signIn(account)
    const stored = first.runtime.wx.getStorageSync('weauth:token') as StoredToken
    first.runtime.wx.setStorageSync('weauth:token', { ...stored, expiresAt: Date.now() - 1000 })
    const second = await start(account, { device: first.runtime.device })
    const center = await second.open('pages/user/index')
    await center.find('user-center')
    expect(loginRequests(second.runtime.state.calls)).toHaveLength(0)
    const detail = second.runtime.openType.getPhoneNumber()
    if (!second.runtime.device.privacy.agreed) {
      await center.find('privacy-sheet')
      await center.trigger('privacy-agree', 'agreeprivacyauthorization', {})
    }
    await center.trigger('user-bind-phone', 'getphonenumber', await detail)
    await eventually(async () => expect(await center.text('user-phone')).toContain('138****0000'))
    const requests = second.runtime.state.calls.filter((c) => c.startsWith('request:'))
    expect(requests).toEqual(['request:POST /auth/refresh', 'request:POST /auth/phone'])
    expect(second.runtime.state.calls.filter((c) => c === 'login')).toHaveLength(0)
    const renewed = second.runtime.wx.getStorageSync('weauth:token') as StoredToken
    expect([renewed.token, renewed.refreshToken]).not.toContain(stored.token)
    expect(renewed.refreshToken).not.toBe(stored.refreshToken)
  })

  test('access and refresh token both expired: signed in again silently on launch with one login request', async () => {
    const account = await emulator().accounts.create()
    const first = await signIn(account)
    const stored = first.runtime.wx.getStorageSync('weauth:token') as StoredToken
    first.runtime.wx.setStorageSync('weauth:token', {
      ...stored,
      expiresAt: Date.now() - 1000,
      refreshExpiresAt: Date.now() - 1000,
    })
    const second = await start(account, { device: first.runtime.device })
    const home = await second.open('pages/index/index')
    expect(await home.text('home-login-count')).toContain('第 2 次登录')
    expect(loginRequests(second.runtime.state.calls)).toHaveLength(1)
    expect((second.runtime.wx.getStorageSync('weauth:token') as StoredToken).token).not.toBe(stored.token)
  })

  test('logout revokes the session on the server: the old token no longer works', async () => {
    const account = await emulator().accounts.create()
    const first = await signIn(account)
    const { token } = first.runtime.wx.getStorageSync('weauth:token') as { token: string }
    const me = () =>
      authServer.request({
        url: 'https://weauth-server.test/auth/me',
        method: 'GET',
        header: { authorization: `Bearer ${token}` },
        timeoutMs: 5000,
      })
    expect((await me()).statusCode).toBe(200)

    const mp = await start(account, { device: first.runtime.device })
    const center = await mp.open('pages/user/index')
    await center.tap('user-logout')
    expect(mp.runtime.wx.getStorageSync('weauth:token')).toBe('')
    await eventually(async () => expect((await me()).statusCode).toBe(401))
    expect(mp.runtime.state.calls).toContain('request:POST /auth/logout')
  })
})
