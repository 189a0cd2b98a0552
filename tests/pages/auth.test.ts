import { documents, useEmulator } from '../helpers/emulator'
import { consentAndAuthorize, eventually, launch } from '../helpers/miniprogram'

const emulator = useEmulator()

const usersOf = async (openid: string) => (await documents(emulator(), 'users')).filter((u) => u._openid === openid)
const cloudCalls = (calls: string[]) => calls.filter((c) => c.startsWith('cloud.callFunction'))

describe('authorization page (compiled weapp under miniprogram-simulate)', () => {
  test('nothing is requested before consent; tapping authorize after consent creates the user and shows the logged-in state', async () => {
    const account = await emulator().accounts.create()
    const mp = await launch({ emulator: emulator(), account })
    const page = await mp.open('pages/auth/index', { redirect: '/pages/index/index' })

    // the button is not disabled (WeChat fires no tap on a disabled one): the tap nudges the consent row instead
    await page.tap('authorize-button')
    expect(await page.text('consent-hint')).toBe('请先阅读并同意《用户协议》和《隐私政策》')
    expect(mp.runtime.state.calls).not.toContain('login')
    expect(await usersOf(account.openid)).toHaveLength(0)

    await consentAndAuthorize(page)
    await page.find('auth-success')

    const [record] = await eventually(async () => {
      const users = await usersOf(account.openid)
      expect(users).toHaveLength(1)
      return users
    })
    expect(record.loginCount).toBe(1)
    expect(mp.runtime.state.calls).toEqual(expect.arrayContaining(['login', 'cloud.callFunction:login']))
    // the avatar/nickname fill-in is offered since the new account has no profile
    await page.find('profile-form')
    // the login state is stored on the device
    expect(mp.runtime.wx.getStorageSync('weauth:session')).toMatchObject({ user: { id: record._id } })
  })

  test('the user agreement and privacy policy are linked from the consent line and open without ticking it', async () => {
    const account = await emulator().accounts.create()
    const mp = await launch({ emulator: emulator(), account })
    const page = await mp.open('pages/auth/index')
    await page.tap('consent-agreement-link')
    await page.tap('consent-privacy-link')
    expect(mp.runtime.state.navigations.map((n) => n.url)).toEqual(['/pages/agreement/index', '/pages/privacy/index'])
    expect(page.has('consent-unchecked')).toBe(true)
    // the privacy policy promises only what the user center offers: no 解绑手机号
    expect(await (await mp.open('pages/privacy/index')).text('privacy-policy')).not.toContain('解绑')
    expect(await (await mp.open('pages/agreement/index')).text('user-agreement')).toContain('用户协议')
    expect(await (await mp.open('pages/privacy/index')).text('privacy-policy')).toContain('注销')
  })

  test('one transient cloud failure is retried with backoff, unseen by the user: one record, two calls', async () => {
    const account = await emulator().accounts.create()
    emulator().faults.add({
      service: 'functions',
      action: 'login',
      error: { code: 'FUNCTIONS_EXECUTE_FAIL', message: 'injected' },
      times: 1,
    })
    const mp = await launch({ emulator: emulator(), account })
    const page = await mp.open('pages/auth/index')
    await consentAndAuthorize(page)
    await page.find('auth-success')
    expect(page.has('auth-error')).toBe(false)
    expect(cloudCalls(mp.runtime.state.calls)).toEqual(['cloud.callFunction:login', 'cloud.callFunction:login'])
    expect(await usersOf(account.openid)).toHaveLength(1)
  })

  test('a cloud function that keeps failing shows a clear, retryable error after the retries, and a later tap succeeds', async () => {
    const account = await emulator().accounts.create()
    // the first tap makes 3 attempts (2 retries); all fail
    emulator().faults.add({
      service: 'functions',
      action: 'login',
      error: { code: 'FUNCTIONS_EXECUTE_FAIL', message: 'injected' },
      times: 3,
    })
    const mp = await launch({ emulator: emulator(), account })
    const page = await mp.open('pages/auth/index')
    await consentAndAuthorize(page)

    expect(await page.text('auth-error')).toContain('服务暂时不可用')
    expect(await page.text('authorize-button')).toContain('重试')
    expect(await usersOf(account.openid)).toHaveLength(0)

    await page.tap('authorize-button')
    await page.find('auth-success')
    expect(await usersOf(account.openid)).toHaveLength(1)
  })

  test('a cloud function timeout (3 s limit) ends in the retryable error, not an endless spinner', async () => {
    const account = await emulator().accounts.create()
    emulator().faults.add({
      service: 'functions',
      action: 'login',
      error: { code: 'FUNCTIONS_TIME_LIMIT_EXCEEDED', message: 'Invoking task timed out after 3 seconds' },
      times: 3,
    })
    const mp = await launch({ emulator: emulator(), account })
    const page = await mp.open('pages/auth/index')
    await consentAndAuthorize(page)
    expect(await page.text('auth-error')).toContain('超时')
  })

  test('a returning user with a valid WeChat session is signed in on launch with zero cloud calls', async () => {
    const account = await emulator().accounts.create({ nickName: '小明' })
    const first = await launch({ emulator: emulator(), account })
    const auth = await first.open('pages/auth/index')
    await consentAndAuthorize(auth)
    await auth.find('auth-success')

    const second = await launch({ emulator: emulator(), account, device: first.runtime.device })
    const home = await second.open('pages/index/index')
    expect(await home.text('home-login-count')).toContain('第 1 次登录')
    expect(second.runtime.state.calls).toContain('checkSession')
    expect(cloudCalls(second.runtime.state.calls)).toHaveLength(0)
  })

  test('an expired WeChat session is renewed silently with one cloud call', async () => {
    const account = await emulator().accounts.create()
    const first = await launch({ emulator: emulator(), account })
    const auth = await first.open('pages/auth/index')
    await consentAndAuthorize(auth)
    await auth.find('auth-success')
    await emulator().accounts.expireSession(account.openid)

    const second = await launch({ emulator: emulator(), account, device: first.runtime.device })
    const home = await second.open('pages/index/index')
    expect(await home.text('home-login-count')).toContain('第 2 次登录')
    expect(cloudCalls(second.runtime.state.calls)).toEqual(['cloud.callFunction:login'])
  })

  test('corrupt or foreign data in local storage leads to a clean logged-out start', async () => {
    const account = await emulator().accounts.create()
    for (const junk of ['not-json-object', { v: 99, user: { id: 1 } }, { v: 1, user: null }, 12345]) {
      const mp = await launch({ emulator: emulator(), account })
      mp.runtime.wx.setStorageSync('weauth:session', junk)
      const relaunched = await launch({ emulator: emulator(), account, device: mp.runtime.device })
      const home = await relaunched.open('pages/index/index')
      await home.find('home-login')
      expect(relaunched.runtime.wx.getStorageSync('weauth:session')).toBe('')
      expect(cloudCalls(relaunched.runtime.state.calls)).toHaveLength(0)
    }
  })

  test('getUserProfile is called from the tap only where the base library still returns real data', async () => {
    const account = await emulator().accounts.create({ nickName: '老用户' })
    const old = await launch({ emulator: emulator(), account, baseLibrary: '2.26.0' })
    const oldPage = await old.open('pages/auth/index')
    await consentAndAuthorize(oldPage)
    await oldPage.find('auth-success')
    expect(old.runtime.state.calls).toContain('getUserProfile')
    // it was called synchronously inside the tap: before the login round trip started
    expect(old.runtime.state.calls.indexOf('getUserProfile')).toBeLessThan(old.runtime.state.calls.indexOf('login'))

    const current = await launch({
      emulator: emulator(),
      account: await emulator().accounts.create(),
      baseLibrary: '3.7.0',
    })
    const page = await current.open('pages/auth/index')
    await consentAndAuthorize(page)
    await page.find('auth-success')
    expect(current.runtime.state.calls).not.toContain('getUserProfile')
  })
})
