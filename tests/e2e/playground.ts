/**
 * End-to-end harness: the playground (the Taro H5 build against an in-memory emulator, one port) driven in
 * Debian's headless Chromium through playwright-core. No browser is ever downloaded: /usr/bin/chromium is
 * the system package (`apt-get install chromium`; .ci/run installs it).
 */
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser, type FrameLocator, type Page } from 'playwright-core'
import { startPlayground, type Playground } from '../../playground/server/playground'
import { eventually as poll } from '../helpers/eventually'

export const CHROMIUM = process.env.WEAUTH_CHROMIUM ?? '/usr/bin/chromium'
const SCREENSHOTS = join(__dirname, '..', '..', 'test-output', 'e2e')
/** every page state at two phone sizes, for the visual review (docs/playground.md) */
export const SCREENS = join(__dirname, '..', '..', 'test-output', 'screens')
export const SCREEN_SIZES = [
  { width: 375, height: 667 },
  { width: 414, height: 896 },
] as const

// a real browser, a webpack-built app and worker-thread cloud functions: far slower than the in-process suites
jest.setTimeout(90_000)

export interface Session {
  page: Page
  /** the mini program inside the phone frame */
  app: FrameLocator
  /** the simulated WeChat user this session created and signed in as */
  openid: string
}

/** Starts one playground and one browser for the test file; each test gets a fresh browser context. */
export function usePlayground(): { playground: () => Playground; open: (user: NewUser) => Promise<Session> } {
  let playground: Playground | undefined
  let browser: Browser | undefined
  const pages: Page[] = []
  const uncaught: string[] = []
  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)`)
    playground = await startPlayground({ port: 0 })
    browser = await chromium.launch({ executablePath: CHROMIUM })
  })
  afterEach(async () => {
    await Promise.all(pages.splice(0).map((p) => p.context().close()))
    // an exception nothing caught, in the panel or the app, fails the test that caused it
    const errors = uncaught.splice(0)
    if (errors.length) throw new Error(`uncaught errors in the browser:\n${errors.join('\n')}`)
  })
  afterAll(async () => {
    await browser?.close()
    await playground?.stop()
  })
  const current = () => {
    if (!playground || !browser) throw new Error('the playground is not running (used outside a test?)')
    return { playground, browser }
  }
  return {
    playground: () => current().playground,
    async open(user) {
      const { playground, browser } = current()
      // a new context is a new phone: empty localStorage, so nothing cached from another test
      const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } })
      const page = await context.newPage()
      pages.push(page)
      page.on('pageerror', (e) => uncaught.push(e.stack ?? e.message))
      await page.goto(playground.url)
      const app = page.frameLocator('#app-frame')
      await app.locator('#home-login, #home-user').first().waitFor()
      const openid = await createUser(page, user)
      return { page, app, openid }
    },
  }
}

export interface NewUser {
  nickName: string
  /** the number bound to the WeChat account; omitted: a random one */
  phoneNumber?: string
}

/** Creates a simulated WeChat user with the panel's form; the panel switches to it and relaunches the app. */
async function createUser(page: Page, user: NewUser): Promise<string> {
  const launch = Number(/launch=(\d+)/.exec((await page.locator('#app-frame').getAttribute('src')) ?? '')?.[1] ?? 0)
  await page.fill('#identity-nickname', user.nickName)
  await page.fill('#identity-phone', user.phoneNumber ?? '')
  await page.click('#identity-create-button')
  // the new launch's document (same origin), not the old one still on screen while it loads
  await page.waitForFunction((n) => {
    const frame = document.getElementById('app-frame') as HTMLIFrameElement
    return (
      frame.contentWindow?.location.href.includes(`launch=${n}`) &&
      !!frame.contentDocument?.querySelector('#home-login')
    )
  }, launch + 1)
  const openid = await page.inputValue('#identity-select')
  expect(await page.textContent('#identity-select option:checked')).toContain(user.nickName)
  return openid
}

/**
 * Whether a Taro button is disabled: the property, not the attribute (React renders `disabled="false"` on
 * custom elements, and Playwright's actionability checks only know native form controls).
 */
export const isDisabled = (app: FrameLocator, selector: string) =>
  app.locator(selector).evaluate((button) => (button as HTMLElement & { disabled?: boolean }).disabled === true)

/** Ticks the consent box and taps 微信授权登录. */
export async function consentAndAuthorize(app: FrameLocator): Promise<void> {
  // the box itself: the middle of the consent row is the policy link, which opens the policy page
  await app.locator('#consent-unchecked').click()
  await app.locator('#consent-checked').waitFor()
  await app.locator('#authorize-button').click()
  await app.locator('#auth-success').waitFor()
}

/** Signs in from the home page: the authorization page, the consent box, one tap. */
export async function signIn(app: FrameLocator): Promise<void> {
  await app.locator('#home-login').click()
  await consentAndAuthorize(app)
}

/** Answers WeChat's privacy guide on the page's consent sheet. */
export async function answerPrivacySheet(app: FrameLocator, answer: 'agree' | 'disagree'): Promise<void> {
  await app.locator('#privacy-sheet').waitFor()
  await app.locator(answer === 'agree' ? '#privacy-agree' : '#privacy-disagree').click()
  await app.locator('#privacy-sheet').waitFor({ state: 'detached' })
}

/** The user's record in the emulated database, as the admin view reads it (control API database.dump). */
export async function userRecord(playground: Playground, openid: string): Promise<Record<string, any> | undefined> {
  const { documents } = (await playground.emulator.control('database.dump', { collection: 'users' })) as {
    documents: Record<string, any>[]
  }
  const mine = documents.filter((u) => u._openid === openid)
  if (mine.length > 1) throw new Error(`${mine.length} records for one openid`)
  return mine[0]
}

export async function storedFiles(playground: Playground, prefix: string): Promise<string[]> {
  const { files } = (await playground.emulator.control('storage.list', { prefix })) as {
    files: Array<{ cloudPath: string }>
  }
  return files.map((f) => f.cloudPath)
}

/** The admin view's row for this user (the panel refreshes it on its own). */
export const adminRow = (page: Page, openid: string) => page.locator(`#admin-users tr[data-openid="${openid}"]`)

/** Polls until `check` passes: the admin view and the database follow the app asynchronously. */
export const eventually = <T>(check: () => T | Promise<T>, timeoutMs = 10_000) => poll(check, timeoutMs, 100)

/** Saves test-output/e2e/<name>.png: what the page looked like when the test's point was made. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true })
  const path = join(SCREENSHOTS, `${name}.png`)
  // finishes Taro's page-slide transition instead of catching it half way
  await page.screenshot({ path, animations: 'disabled' })
  return path
}

/**
 * Saves test-output/screens/<name>-<width>x<height>.png for each phone size: the app's screen alone, the phone
 * frame resized to that viewport (Taro H5 lays the page out again for the new width), then put back.
 */
export async function screens(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENS, { recursive: true })
  const frame = page.locator('#app-frame')
  const original = await frame.evaluate((f) => f.getAttribute('style') ?? '')
  for (const { width, height } of SCREEN_SIZES) {
    await frame.evaluate(
      (f, size) => {
        ;(f as HTMLElement).style.width = `${size.width}px`
        ;(f as HTMLElement).style.height = `${size.height}px`
        // the screen's own corners, not the phone's rounded glass
        ;(f as HTMLElement).style.borderRadius = '0'
      },
      { width, height },
    )
    // Taro H5 sets the root font size on resize; give it and the layout a frame
    await page.waitForTimeout(250)
    await frame.screenshot({ path: join(SCREENS, `${name}-${width}x${height}.png`), animations: 'disabled' })
  }
  await frame.evaluate((f, style) => f.setAttribute('style', style), original)
  await page.waitForTimeout(100)
}
