import { createHmac, randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { CloudError, invalidParam } from '../core/errors'

/**
 * WeChat Open Platform accounts (微信开放平台账号) as the emulator models them: each holds several appids, and a
 * person gets one unionid per Open Platform account, the same in every mini program bound to it, while the openid
 * differs per mini program. A mini program bound to no Open Platform account gets no unionid.
 * https://developers.weixin.qq.com/miniprogram/dev/framework/open-ability/union-id.html
 *
 * Also the environment's sharing list (资源复用 / 环境共享): the appids of the same owner the environment's mini
 * program has shared its cloud environment with.
 * https://developers.weixin.qq.com/miniprogram/dev/wxcloud/guide/resource-sharing/introduce.html
 *
 * openids and unionids are derived (HMAC over person and appid / Open Platform id with the data folder's key), so a
 * person opened in another mini program gets its ids without any stored mapping, and two persons never share one.
 *
 * With a data folder, the accounts, the sharing list and the key live in `<dataDir>/wechat/open-platform.json`,
 * rewritten whole (temporary file, then rename) on every change; a change whose file did not reach the disk is
 * undone and reported (fail closed), and a damaged file stops the start instead of silently resetting.
 */
export interface OpenPlatformAccount {
  id: string
  appids: string[]
}

/** The Open Platform account the emulator's own appid is bound to unless a test binds it elsewhere. */
export const DEFAULT_OPEN_PLATFORM = 'weauth-open-platform'

const APPID_PATTERN = /^wx[0-9a-zA-Z]{6,32}$/
const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/

export class OpenPlatform {
  private key = randomBytes(16)
  private accounts = new Map<string, OpenPlatformAccount>()
  private shared = new Set<string>()

  /** `file`: where the lists persist (undefined: in memory only) */
  constructor(
    private readonly ownerAppid: string,
    private readonly file?: string,
  ) {
    this.defaults()
    if (file && existsSync(file)) this.load(file)
    // written at once: the key must survive a restart even before the first change, or derived ids would move
    else if (file) this.change(() => undefined)
  }

  /** Binds appids to an Open Platform account (created on first use); an appid is bound to one account at most. */
  bind(id: unknown, appids: unknown): OpenPlatformAccount {
    if (typeof id !== 'string' || !ID_PATTERN.test(id))
      throw invalidParam('open platform id must be 1-64 of [A-Za-z0-9_-]')
    if (!Array.isArray(appids) || appids.some((a) => typeof a !== 'string' || !APPID_PATTERN.test(a))) {
      throw invalidParam('appids must be a list of mini program appids (wx...)')
    }
    for (const appid of appids as string[]) {
      const holder = this.accountOf(appid)
      if (holder && holder.id !== id)
        throw invalidParam(`${appid} is bound to open platform account ${holder.id} already`)
    }
    return this.change(() => {
      const account = this.accounts.get(id) ?? { id, appids: [] }
      account.appids = [...new Set([...account.appids, ...(appids as string[])])]
      this.accounts.set(id, account)
      return { ...account, appids: [...account.appids] }
    })
  }

  /** Unbinds an appid: its users get no unionid from then on (as when an app leaves the Open Platform account). */
  unbind(appid: unknown): void {
    this.change(() => {
      for (const account of this.accounts.values()) account.appids = account.appids.filter((a) => a !== appid)
    })
  }

  accountOf(appid: string): OpenPlatformAccount | undefined {
    return [...this.accounts.values()].find((a) => a.appids.includes(appid))
  }

  list(): OpenPlatformAccount[] {
    return [...this.accounts.values()].map((a) => ({ ...a, appids: [...a.appids] }))
  }

  /** 资源复用: the environment owner shares its environment with another mini program of the same owner. */
  share(appid: unknown): void {
    if (typeof appid !== 'string' || !APPID_PATTERN.test(appid))
      throw invalidParam('appid must be a mini program appid (wx...)')
    if (appid === this.ownerAppid) throw invalidParam('the environment belongs to this appid already')
    this.change(() => void this.shared.add(appid))
  }

  unshare(appid: unknown): void {
    this.change(() => void this.shared.delete(String(appid)))
  }

  /** Whether a mini program may use this environment: its own, or one it was shared with. */
  mayUse(appid: string): boolean {
    return appid === this.ownerAppid || this.shared.has(appid)
  }

  /** Whether the emulated WeChat knows this mini program (it answers 40013 invalid appid otherwise). */
  knows(appid: string): boolean {
    return this.mayUse(appid) || !!this.accountOf(appid)
  }

  sharedWith(): string[] {
    return [...this.shared].sort()
  }

  /** The openid a person has in a mini program: stable per (person, appid), different across appids. */
  openidOf(personId: string, appid: string): string {
    return 'o' + this.derive(`openid:${personId}:${appid}`)
  }

  /** The person's unionid in this mini program, or undefined when the app is bound to no Open Platform account. */
  unionidOf(personId: string, appid: string): string | undefined {
    const account = this.accountOf(appid)
    return account ? 'o' + this.derive(`unionid:${personId}:${account.id}`) : undefined
  }

  reset(): void {
    this.change(() => this.defaults())
  }

  private defaults(): void {
    this.accounts = new Map([[DEFAULT_OPEN_PLATFORM, { id: DEFAULT_OPEN_PLATFORM, appids: [this.ownerAppid] }]])
    this.shared = new Set()
  }

  /** Runs a change and writes the lists; if the file cannot be written the change is undone and reported. */
  private change<T>(apply: () => T): T {
    const before = this.snapshot()
    const result = apply()
    if (!this.file) return result
    try {
      mkdirSync(dirname(this.file), { recursive: true })
      const tmp = `${this.file}.tmp`
      writeFileSync(tmp, JSON.stringify(this.snapshot()) + '\n')
      renameSync(tmp, this.file)
    } catch (e) {
      this.restore(before)
      throw new CloudError('SYS_ERR', `the open platform change did not reach the disk: ${(e as Error).message}`)
    }
    return result
  }

  private snapshot(): { key: string; accounts: OpenPlatformAccount[]; shared: string[] } {
    return { key: this.key.toString('hex'), accounts: this.list(), shared: [...this.shared] }
  }

  private restore(state: ReturnType<OpenPlatform['snapshot']>): void {
    this.key = Buffer.from(state.key, 'hex')
    this.accounts = new Map(state.accounts.map((a) => [a.id, { id: a.id, appids: [...a.appids] }]))
    this.shared = new Set(state.shared)
  }

  private load(file: string): void {
    let state: unknown
    try {
      state = JSON.parse(readFileSync(file, 'utf8'))
    } catch (e) {
      throw new Error(`${file} cannot be read (${(e as Error).message}): refusing to start rather than lose it`)
    }
    const s = state as { key?: unknown; accounts?: unknown; shared?: unknown }
    const valid =
      typeof s?.key === 'string' &&
      /^[0-9a-f]{32}$/.test(s.key) &&
      Array.isArray(s.accounts) &&
      s.accounts.every(
        (a: { id?: unknown; appids?: unknown }) =>
          typeof a?.id === 'string' &&
          ID_PATTERN.test(a.id) &&
          Array.isArray(a.appids) &&
          a.appids.every((x) => typeof x === 'string' && APPID_PATTERN.test(x)),
      ) &&
      Array.isArray(s.shared) &&
      s.shared.every((x) => typeof x === 'string' && APPID_PATTERN.test(x))
    if (!valid) throw new Error(`${file} is not an open platform file: refusing to start rather than lose it`)
    this.restore(state as ReturnType<OpenPlatform['snapshot']>)
  }

  private derive(input: string): string {
    return createHmac('sha256', this.key).update(input).digest('base64url').slice(0, 27)
  }
}
