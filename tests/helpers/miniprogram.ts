/**
 * Runs the compiled weapp build (dist/) under miniprogram-simulate, with the emulator's simulated WeChat
 * client as `wx`. Taro's output needs a little glue that WeChat itself provides:
 * - `Page()` does not exist in miniprogram-simulate (it renders components): pages are registered as
 *   components whose lifetimes call onLoad/onShow/onReady/onUnload, and `getCurrentPages()` tracks them;
 * - `wx` must be complete before dist/app.js loads (taro.js captures wx.cloud at load time);
 * - webpack caches modules, so each launch resets Jest's module registry and loads the bundle afresh:
 *   a launch is a cold start of the mini program on the same device.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  createWxRuntime,
  inProcessTransport,
  type HttpExchanger,
  type UserChoices,
  type WxRuntime,
} from '../../emulator/src/simulated-wx'
import type { Emulator, WeChatAccount } from '../../emulator/src'

export const DIST = join(__dirname, '..', '..', 'dist')

type SimulateComponent = {
  dom: HTMLElement
  querySelector(selector: string): SimulateComponent | null
  querySelectorAll(selector: string): SimulateComponent[]
  dispatchEvent(name: string, options?: { detail?: unknown }): void
  attach(parent: HTMLElement): void
  detach(): void
  instance: { setData: (d: unknown) => void; data: unknown }
}

export interface LaunchOptions {
  emulator: Emulator
  account: WeChatAccount
  baseLibrary?: string
  choices?: Partial<UserChoices>
  /** the device of an earlier launch: keeps its storage, temp files and settings */
  device?: WxRuntime['device']
  /** another weapp build than dist/ (e.g. the http auth provider's, see scripts/test.mjs) */
  dist?: string
  /** where wx.request goes (the http auth provider's login server) */
  request?: HttpExchanger
}

export interface MiniProgram {
  runtime: WxRuntime
  /** opens a page like WeChat does: onLoad(query), onShow, onReady */
  open(route: string, query?: Record<string, string>): Promise<PageHandle>
}

export interface PageHandle {
  root: SimulateComponent
  /** waits until an element with this id is rendered (Taro's setData is asynchronous) */
  find(id: string, timeoutMs?: number): Promise<SimulateComponent>
  /** whether an element with this id is rendered right now */
  has(id: string): boolean
  text(id: string): Promise<string>
  tap(id: string): Promise<void>
  /** fires a component event such as 'chooseavatar' or 'getphonenumber' with a detail payload */
  trigger(id: string, event: string, detail: unknown): Promise<void>
  close(): void
}

interface PageInstance {
  route: string
  __route__: string
  options: Record<string, string>
}

export async function launch(options: LaunchOptions): Promise<MiniProgram> {
  jest.resetModules()
  const dist = options.dist ?? DIST
  const runtime = createWxRuntime({
    transport: inProcessTransport(options.emulator, options.account.token),
    baseLibrary: options.baseLibrary,
    choices: options.choices,
    device: options.device,
    request: options.request,
    appConfig: JSON.parse(readFileSync(join(dist, 'app.json'), 'utf8')),
  })
  const g = globalThis as Record<string, unknown>
  g.wx = runtime.wx
  const simulate = require('miniprogram-simulate')

  const pages: PageInstance[] = []
  let loading: { route: string; query: Record<string, string> } | null = null
  g.getCurrentPages = () => [...pages]
  g.Page = (config: Record<string, unknown>) => {
    const route = loading!.route
    const methods: Record<string, unknown> = {}
    const fields: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(config)) (typeof value === 'function' ? methods : fields)[key] = value
    const call = (self: unknown, name: string, ...args: unknown[]) =>
      (methods[name] as ((...a: unknown[]) => void) | undefined)?.apply(self, args)
    ;(g.Component as (c: unknown) => void)({
      ...fields,
      methods,
      lifetimes: {
        attached(this: PageInstance) {
          const query = loading?.query ?? {}
          this.route = route
          this.__route__ = route
          this.options = query
          pages.push(this)
          call(this, 'onLoad', query)
          call(this, 'onShow')
        },
        ready(this: PageInstance) {
          call(this, 'onReady')
        },
        detached(this: PageInstance) {
          call(this, 'onUnload')
          pages.splice(pages.indexOf(this), 1)
        },
      },
    })
  }
  let app: Record<string, (...a: unknown[]) => void> = {}
  g.App = (config: typeof app) => {
    app = config
  }
  g.getApp = () => app

  require(join(dist, 'app.js'))
  const launchOptions = { path: 'pages/index/index', query: {}, scene: 1001 }
  app.onLaunch?.call(app, launchOptions)
  app.onShow?.call(app, launchOptions)
  // Taro renders through its `comp` component; a native mini program (bench/fixtures/native-auth) has none
  const compId = existsSync(join(dist, 'comp.json')) ? simulate.load(join(dist, 'comp'), { rootPath: dist }) : undefined
  const pageIds = new Map<string, string>()

  return {
    runtime,
    async open(route, query = {}) {
      loading = { route, query }
      let id = pageIds.get(route)
      if (!id) {
        id = simulate.load(join(dist, route), {
          rootPath: dist,
          usingComponents: compId ? { comp: compId } : {},
        }) as string
        pageIds.set(route, id)
      }
      const root = simulate.render(id) as SimulateComponent
      root.attach(document.createElement('parent-wrapper'))
      loading = null
      return pageHandle(root)
    },
  }
}

/** Taro renders pages through a recursive `comp` component, so elements are searched through nested shadow trees. */
function findIn(node: SimulateComponent, id: string): SimulateComponent | null {
  const direct = node.querySelector(`#${id}`)
  if (direct) return direct
  for (const child of node.querySelectorAll('comp')) {
    const found = findIn(child, id)
    if (found) return found
  }
  return null
}

function pageHandle(root: SimulateComponent): PageHandle {
  const find = async (id: string, timeoutMs = 5000) => {
    const until = Date.now() + timeoutMs
    for (;;) {
      const el = findIn(root, id)
      if (el) return el
      if (Date.now() > until)
        throw new Error(`#${id} did not render within ${timeoutMs} ms; page text: ${root.dom.textContent}`)
      await new Promise((r) => setTimeout(r, 10))
    }
  }
  const settle = () => new Promise((r) => setTimeout(r, 0))
  return {
    root,
    find,
    has: (id) => findIn(root, id) !== null,
    text: async (id) => (await find(id)).dom.textContent ?? '',
    tap: async (id) => {
      ;(await find(id)).dispatchEvent('tap')
      await settle()
    },
    trigger: async (id, event, detail) => {
      ;(await find(id)).dispatchEvent(event, { detail })
      await settle()
    },
    close: () => root.detach(),
  }
}

export { eventually } from './eventually'

/** What a user does on the authorization page: tick the consent box (waiting until it shows ticked), then tap authorize. */
export async function consentAndAuthorize(page: PageHandle): Promise<void> {
  await page.tap('consent-toggle')
  await page.find('consent-checked')
  await page.tap('authorize-button')
}

/**
 * What tapping the profile form's formType="submit" button does on WeChat: the form's submit event, carrying
 * the fields' values as WeChat left them (miniprogram-simulate does not turn the tap into a submit itself).
 */
export async function submitProfile(page: PageHandle, nickName: string): Promise<void> {
  await page.trigger('profile-form', 'submit', { value: { nickName } })
}
