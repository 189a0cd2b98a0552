import { useEmulator } from '../helpers/emulator'
import { consentAndAuthorize, eventually } from '../helpers/miniprogram'
import { usePageBackends } from '../helpers/page-backends'
import { BRAND } from '../../src/config/brand'

const emulator = useEmulator()

describe.each(usePageBackends(emulator))('authorization page (compiled weapp, %s backend)', (_name, backend) => {
  const usersOf = async (openid: string) => {
    const user = await backend.user(openid)
    return user ? [user] : []
  }
  const backendCalls = backend.backendCalls
  const launch = backend.launch

  test('nothing is requested before consent; tapping authorize after consent creates the user and shows the logged-in state', async () => {
    const account = await emulator().accounts.create()
    const mp = await launch({ account })
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
    expect(mp.runtime.state.calls).toEqual(expect.arrayContaining(['login', backend.callOf('login')]))
    // the avatar/nickname fill-in is offered since the new account has no profile
    await page.find('profile-form')
    // the login state is stored on the device
    expect(mp.runtime.wx.getStorageSync('weauth:session')).toMatchObject({ user: { id: record.id } })
  })

  test('the user agreement and privacy policy are linked from the consent line and open without ticking it', async () => {
    const account = await emulator().accounts.create()
    const mp = await launch({ account })
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

  test('the page names who the user signs in to; the consent row ticks and unticks; 暂不登录 goes back unsigned', async () => {
    const account = await emulator().accounts.create()
    const mp = await launch({ account })
    const page = await mp.open('pages/auth/index', { redirect: '/pages/user/index' })
    const brand = await page.text('auth-brand')
    expect(brand).toContain(BRAND.name)
    expect(brand).toContain(BRAND.loginPurpose)
    await page.tap('consent-toggle')
    await page.find('consent-checked')
    await page.tap('consent-toggle')
    await page.find('consent-unchecked')
    await page.tap('auth-skip')
    expect(mp.runtime.state.navigations.at(-1)).toMatchObject({ kind: 'reLaunch', url: '/pages/user/index' })
    expect(mp.runtime.state.calls).not.toContain('login')
  })

  test('one transient backend failure is retried with backoff, unseen by the user: one record, two calls', async () => {
    const account = await emulator().accounts.create()
    backend.failNextLogin(1)
    const mp = await launch({ account })
    const page = await mp.open('pages/auth/index')
    await consentAndAuthorize(page)
    await page.find('auth-success')
    expect(page.has('auth-error')).toBe(false)
    expect(backendCalls(mp.runtime.state.calls)).toEqual([backend.callOf('login'), backend.callOf('login')])
    expect(await usersOf(account.openid)).toHaveLength(1)
  })

  test('a backend that keeps failing shows a clear, retryable error after the retries, and a later tap succeeds', async () => {
    const account = await emulator().accounts.create()
    // the first tap makes 3 attempts (2 retries); all fail
    backend.failNextLogin(3)
    const mp = await launch({ account })
    const page = await mp.open('pages/auth/index')
    await consentAndAuthorize(page)

    expect(await page.text('auth-error')).toContain('服务暂时不可用')
    expect(await page.text('authorize-button')).toContain('重试')
    expect(await usersOf(account.openid)).toHaveLength(0)

    await page.tap('authorize-button')
    await page.find('auth-success')
    expect(await usersOf(account.openid)).toHaveLength(1)
  })

  // cloud: the function's 3 s limit; http: the device's wx.request gives up waiting for the server
  test('a backend timeout ends in the retryable error, not an endless spinner', async () => {
    const account = await emulator().accounts.create()
    backend.timeOutNextLogin()
    const mp = await launch({ account })
    const page = await mp.open('pages/auth/index')
    await consentAndAuthorize(page)
    expect(await page.text('auth-error')).toContain('超时')
    await page.tap('authorize-button')
    await page.find('auth-success')
  })

  test('a returning user with a valid WeChat session is signed in on launch with zero backend calls', async () => {
    const account = await emulator().accounts.create({ nickName: '小明' })
    const first = await launch({ account })
    const auth = await first.open('pages/auth/index')
    await consentAndAuthorize(auth)
    await auth.find('auth-success')

    const second = await launch({ account, device: first.runtime.device })
    const home = await second.open('pages/index/index')
    expect(await home.text('home-login-count')).toContain('第 1 次登录')
    expect(second.runtime.state.calls).toContain('checkSession')
    expect(backendCalls(second.runtime.state.calls)).toHaveLength(0)
  })

  test('an expired WeChat session is renewed silently with one backend call', async () => {
    const account = await emulator().accounts.create()
    const first = await launch({ account })
    const auth = await first.open('pages/auth/index')
    await consentAndAuthorize(auth)
    await auth.find('auth-success')
    await emulator().accounts.expireSession(account.openid)

    const second = await launch({ account, device: first.runtime.device })
    const home = await second.open('pages/index/index')
    expect(await home.text('home-login-count')).toContain('第 2 次登录')
    expect(backendCalls(second.runtime.state.calls)).toEqual([backend.callOf('login')])
  })

  test('corrupt or foreign data in local storage leads to a clean logged-out start', async () => {
    const account = await emulator().accounts.create()
    for (const junk of ['not-json-object', { v: 99, user: { id: 1 } }, { v: 1, user: null }, 12345]) {
      const mp = await launch({ account })
      mp.runtime.wx.setStorageSync('weauth:session', junk)
      const relaunched = await launch({ account, device: mp.runtime.device })
      const home = await relaunched.open('pages/index/index')
      await home.find('home-login')
      expect(relaunched.runtime.wx.getStorageSync('weauth:session')).toBe('')
      expect(backendCalls(relaunched.runtime.state.calls)).toHaveLength(0)
    }
  })

  test('getUserProfile is called from the tap only where the base library still returns real data', async () => {
    const account = await emulator().accounts.create({ nickName: '老用户' })
    const old = await launch({ account, baseLibrary: '2.26.0' })
    const oldPage = await old.open('pages/auth/index')
    await consentAndAuthorize(oldPage)
    await oldPage.find('auth-success')
    expect(old.runtime.state.calls).toContain('getUserProfile')
    // it was called synchronously inside the tap: before the login round trip started
    expect(old.runtime.state.calls.indexOf('getUserProfile')).toBeLessThan(old.runtime.state.calls.indexOf('login'))

    const current = await launch({
      account: await emulator().accounts.create(),
      baseLibrary: '3.7.0',
    })
    const page = await current.open('pages/auth/index')
    await consentAndAuthorize(page)
    await page.find('auth-success')
    expect(current.runtime.state.calls).not.toContain('getUserProfile')
  })
})
