import { createHmac, randomBytes } from 'node:crypto'
import { invalidParam } from '../core/errors'

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
 * openids and unionids are derived (HMAC over person and appid / Open Platform id with this run's key), so a person
 * opened in another mini program gets its ids without any stored mapping, and two persons never share one.
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
  private readonly key = randomBytes(16)
  private accounts = new Map<string, OpenPlatformAccount>()
  private shared = new Set<string>()

  constructor(private readonly ownerAppid: string) {
    this.reset()
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
    const account = this.accounts.get(id) ?? { id, appids: [] }
    account.appids = [...new Set([...account.appids, ...(appids as string[])])]
    this.accounts.set(id, account)
    return { ...account, appids: [...account.appids] }
  }

  /** Unbinds an appid: its users get no unionid from then on (as when an app leaves the Open Platform account). */
  unbind(appid: unknown): void {
    for (const account of this.accounts.values()) account.appids = account.appids.filter((a) => a !== appid)
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
    this.shared.add(appid)
  }

  unshare(appid: unknown): void {
    this.shared.delete(String(appid))
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
    this.accounts = new Map([[DEFAULT_OPEN_PLATFORM, { id: DEFAULT_OPEN_PLATFORM, appids: [this.ownerAppid] }]])
    this.shared = new Set()
  }

  private derive(input: string): string {
    return createHmac('sha256', this.key).update(input).digest('base64url').slice(0, 27)
  }
}
