/**
 * Page figures for `npm run bench`, from the compiled builds under miniprogram-simulate with the emulator's
 * simulated WeChat client (tests/helpers/miniprogram.ts):
 * - round trips to logged-in (cloud calls, wx.login/checkSession, function invocations, DB reads and writes)
 *   for a first login, a returning user, an expired WeChat session and a sign-in after logout;
 * - setData volume of the authorization page: first render, consent tap, authorize tap, next to the
 *   hand-written native page and Taro's hello world;
 * - launch to first render (require of app.js, onLaunch, page render), median of several launches.
 * Figures are written to the JSON file named by WEAUTH_BENCH_PAGES' `output`; nothing is asserted.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { useEmulator } from '../../tests/helpers/emulator'
import {
  eventually,
  launch,
  type LaunchOptions,
  type MiniProgram,
  type PageHandle,
} from '../../tests/helpers/miniprogram'
import type { WeChatAccount } from '../../emulator/src'
import { installSetDataMeter, type Phase } from './setdata-meter'

interface Builds {
  /** built mini programs: weauth, hello, native, and any other WeAuth build (e.g. weauth-before) */
  apps: { weauth: string; hello: string; native: string } & Record<string, string>
  output: string
  launches: number
}
const builds: Builds = JSON.parse(process.env.WEAUTH_BENCH_PAGES ?? '{}')
/** the WeAuth builds: the project's, and the variants to compare with it */
const weauthBuilds = Object.keys(builds.apps).filter((name) => name.startsWith('weauth'))
const meter = installSetDataMeter()
const emulator = useEmulator()
const figures: Record<string, unknown> = {}

afterAll(() => {
  mkdirSync(dirname(builds.output), { recursive: true })
  writeFileSync(builds.output, JSON.stringify(figures, null, 2))
})

/**
 * miniprogram-simulate evaluates the WXML compiler's output, which caches compiled templates in a global under
 * per-build numbers ($gwx_1...): a second build would render the first one's templates. Each launch here
 * starts from an empty cache, so the three builds can share one Jest run (and a launch compiles its pages).
 */
function forgetCompiledTemplates() {
  const cache = (globalThis as { __WXML_GLOBAL__?: Record<string, unknown> }).__WXML_GLOBAL__
  if (cache) Object.assign(cache, { ops_cached: {}, ops_set: {}, ops_init: {} })
}

const start = (account: WeChatAccount, dist: string, extra: Partial<LaunchOptions> = {}) => {
  forgetCompiledTemplates()
  return launch({ emulator: emulator(), account, dist, ...extra })
}

/**
 * What one step cost in round trips: the wx calls the mini program made (from its launch on, when the step
 * launches it; else from the step's start) and what the emulator served.
 */
async function roundTrips(step: () => Promise<MiniProgram>, running?: MiniProgram) {
  const before = new Map(emulator().counters)
  const callsBefore = running?.runtime.state.calls.length ?? 0
  const started = performance.now()
  const mp = await step()
  const ms = performance.now() - started
  const delta = (name: string) => (emulator().counters.get(name) ?? 0) - (before.get(name) ?? 0)
  const sum = (names: string[]) =>
    names.reduce((n, name) => n + delta(`admin.database.${name}`) + delta(`client.database.${name}`), 0)
  const made = mp.runtime.state.calls.slice(callsBefore)
  return {
    mp,
    figures: {
      cloudCalls: made.filter((c) => c.startsWith('cloud.callFunction')).length,
      wxLogin: made.filter((c) => c === 'login').length,
      checkSession: made.filter((c) => c === 'checkSession').length,
      invocations: [...emulator().counters.keys()]
        .filter((k) => k.startsWith('functions.invoke.'))
        .reduce((n, k) => n + delta(k), 0),
      dbReads: sum(['getDocument', 'calculateDocument']),
      dbWrites: sum(['insertDocument', 'modifyDocument', 'removeDocument']),
      ms: Math.round(ms),
    },
  }
}

async function signIn(page: PageHandle) {
  await page.tap('consent-toggle')
  await page.find('consent-checked')
  await page.tap('authorize-button')
  await page.find('auth-success')
}

async function loginRoundTrips(dist: string) {
  const account = await emulator().accounts.create()
  const firstLogin = await roundTrips(async () => {
    const mp = await start(account, dist)
    await signIn(await mp.open('pages/auth/index', { redirect: '/pages/index/index' }))
    return mp
  })
  const device = firstLogin.mp.runtime.device

  const returning = await roundTrips(async () => {
    const mp = await start(account, dist, { device })
    const home = await mp.open('pages/index/index')
    await eventually(async () => expect(await home.text('home-login-count')).toContain('第 1 次登录'))
    return mp
  })

  await emulator().accounts.expireSession(account.openid)
  const expired = await roundTrips(async () => {
    const mp = await start(account, dist, { device })
    const home = await mp.open('pages/index/index')
    await eventually(async () => expect(await home.text('home-login-count')).toContain('第 2 次登录'))
    return mp
  })

  const logout = await roundTrips(async () => {
    const mp = await start(account, dist, { device })
    const center = await mp.open('pages/user/index')
    await center.tap('user-logout')
    await eventually(() => expect(mp.runtime.wx.getStorageSync('weauth:session')).toBe(''))
    return mp
  })
  const afterLogout = await roundTrips(async () => {
    await signIn(await logout.mp.open('pages/auth/index'))
    return logout.mp
  }, logout.mp)
  return {
    firstLogin: firstLogin.figures,
    returning: returning.figures,
    expired: expired.figures,
    logout: logout.figures,
    afterLogout: afterLogout.figures,
  }
}

test('round trips to logged-in (WeAuth builds, cloud provider)', async () => {
  const result: Record<string, unknown> = {}
  for (const name of weauthBuilds) result[name] = await loginRoundTrips(builds.apps[name])
  figures.roundTrips = result
})

/** setData phases of an authorization page: first render, consent tap, authorize tap (until logged-in shows). */
async function authPageSetData(dist: string, route: string) {
  const account = await emulator().accounts.create()
  const mp = await start(account, dist)
  meter.next()
  const page = await mp.open(route)
  await page.find('authorize-button')
  await meter.settled()
  const firstRender = meter.next()
  await page.tap('consent-toggle')
  await page.find('consent-checked')
  await meter.settled()
  const consent = meter.next()
  await page.tap('authorize-button')
  await page.find('auth-success')
  await meter.settled()
  const authorize = meter.next()
  return { firstRender, consent, authorize }
}

/** setData of the user center's first render, signed in (the login itself is not counted). */
async function userCenterSetData(dist: string) {
  const account = await emulator().accounts.create()
  const mp = await start(account, dist)
  await signIn(await mp.open('pages/auth/index', { redirect: '/pages/index/index' }))
  await meter.settled()
  meter.next()
  const center = await mp.open('pages/user/index')
  await center.find('user-logout')
  await meter.settled()
  return meter.next()
}

test('setData volume of the authorization page: WeAuth (Taro) and native', async () => {
  const result: Record<string, Record<string, unknown>> = {}
  for (const name of weauthBuilds) {
    result[name] = await authPageSetData(builds.apps[name], 'pages/auth/index')
    result[name].userCenter = await userCenterSetData(builds.apps[name])
  }
  result.native = await authPageSetData(builds.apps.native, 'pages/auth/auth')
  const account = await emulator().accounts.create()
  const hello = await start(account, builds.apps.hello)
  await meter.settled()
  meter.next()
  const page = await hello.open('pages/index/index')
  await eventually(() => expect(page.root.dom.textContent).toContain('Hello world!'))
  await meter.settled()
  const helloFirst: Phase = meter.next()
  result.hello = { firstRender: helloFirst }
  figures.setData = result
})

function median(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** polls at 1 ms (the helper's find polls at 10 ms, too coarse for a launch timing) */
async function until(check: () => boolean, timeoutMs = 5000) {
  const end = performance.now() + timeoutMs
  while (!check()) {
    if (performance.now() > end) throw new Error('not rendered in time')
    await new Promise((r) => setTimeout(r, 1))
  }
}

test('launch to first render under miniprogram-simulate', async () => {
  const account = await emulator().accounts.create()
  const apps: Array<[string, string, string, (page: PageHandle) => Promise<unknown>]> = [
    ...weauthBuilds.map((name): [string, string, string, (page: PageHandle) => Promise<unknown>] => [
      name,
      builds.apps[name],
      'pages/auth/index',
      (p) => until(() => p.has('authorize-button')),
    ]),
    [
      'hello',
      builds.apps.hello,
      'pages/index/index',
      (p) => until(() => p.root.dom.textContent?.includes('Hello world!') ?? false),
    ],
    ['native', builds.apps.native, 'pages/auth/auth', (p) => until(() => p.has('authorize-button'))],
  ]
  const times = new Map<string, number[]>(apps.map(([name]) => [name, []]))
  // one unmeasured round first (module loading and JIT of the simulator itself), then the apps in turn, so
  // that drift over the run hits them alike
  for (let round = -1; round < builds.launches; round++) {
    for (const [name, dist, route, rendered] of apps) {
      const started = performance.now()
      const mp = await start(account, dist)
      const page = await mp.open(route)
      await rendered(page)
      if (round >= 0) times.get(name)!.push(performance.now() - started)
      page.close()
    }
  }
  const result: Record<string, { medianMs: number; p25Ms: number; p75Ms: number; runs: number }> = {}
  const r1 = (n: number) => Math.round(n * 10) / 10
  for (const [name, list] of times) {
    const sorted = [...list].sort((a, b) => a - b)
    const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
    result[name] = { medianMs: r1(median(list)), p25Ms: r1(at(25)), p75Ms: r1(at(75)), runs: list.length }
  }
  figures.launch = result
})
