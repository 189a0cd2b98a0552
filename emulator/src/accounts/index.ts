import Datastore from '@seald-io/nedb'
import { join } from 'node:path'
import { CloudError, invalidParam } from '../core/errors'
import type { ServiceContext } from '../core/context'
import type { EmulatorService } from '../core/lifecycle'
import { repairTornTail } from '../core/data-file'
import type { NewAccount, WeChatAccount } from './account'
import { newLoginCode, newSessionKey, newToken, OPENID_PATTERN } from './ids'
import { randomUUID } from 'node:crypto'
import { OpenPlatform } from './open-platform'

export type { NewAccount, WeChatAccount }
export type { OpenPlatformAccount } from './open-platform'

/**
 * The WeChat side of identity: simulated WeChat users (what the real client knows from the logged-in WeChat
 * app), their login codes and sessions. A simulated device holds the account's `token`, which stands for the
 * WeChat client's own trusted channel: requests carry it instead of an identity the page could forge.
 */
interface LoginCode {
  code: string
  openid: string
  /** the mini program whose wx.login issued it: code2Session answers only to that appid */
  appid: string
  expiresAt: number
  used: boolean
}

/** wx.login codes expire after 5 minutes and are single use (auth.code2Session docs). */
export const LOGIN_CODE_TTL_MS = 5 * 60 * 1000
/** WeChat does not publish the session_key lifetime; the emulator keeps it for 3 days unless a test expires it. */
export const SESSION_TTL_MS = 3 * 24 * 60 * 60 * 1000

/** What jscode2session answers about an account besides its openid (kept in step with the store, see below). */
interface WeChatSession {
  sessionKey?: string
  unionid?: string
}

export class WeChatAccounts implements EmulatorService {
  private codes = new Map<string, LoginCode>()
  /**
   * Each account's current session_key and unionid by openid, written after the store on every change of either
   * (create, wx.login, binding an Open Platform account, reset): jscode2session, on every backend login, reads them
   * here instead of a store lookup (a query through NeDB's queue and a copy of the document, ~20-30 µs).
   */
  private readonly sessions = new Map<string, WeChatSession>()
  /** Open Platform accounts (unionids) and the environment's sharing list (open-platform.ts) */
  readonly openPlatform: OpenPlatform

  private constructor(
    private readonly ctx: ServiceContext,
    private readonly store: Datastore<WeChatAccount>,
  ) {
    this.openPlatform = new OpenPlatform(
      ctx.appid,
      ctx.dataDir ? join(ctx.dataDir, 'wechat', 'open-platform.json') : undefined,
    )
  }

  static async open(ctx: ServiceContext): Promise<WeChatAccounts> {
    if (ctx.dataDir) repairTornTail(join(ctx.dataDir, 'wechat', 'accounts.db'))
    const store = new Datastore<WeChatAccount>(
      ctx.dataDir ? { filename: join(ctx.dataDir, 'wechat', 'accounts.db'), autoload: false } : { inMemoryOnly: true },
    )
    await store.loadDatabaseAsync()
    await store.ensureIndexAsync({ fieldName: 'openid', unique: true })
    await store.ensureIndexAsync({ fieldName: 'token', unique: true })
    const accounts = new WeChatAccounts(ctx, store)
    for (const { openid, sessionKey, unionid } of await store.findAsync({})) {
      accounts.sessions.set(openid, { sessionKey, unionid })
    }
    return accounts
  }

  /** After the store took a change of an account's session_key or unionid: the same change here. */
  private noteChange(openid: string, change: WeChatSession): void {
    this.sessions.set(openid, { ...this.sessions.get(openid), ...change })
  }

  async create(input: NewAccount = {}): Promise<WeChatAccount> {
    if (input.openid !== undefined && (typeof input.openid !== 'string' || !OPENID_PATTERN.test(input.openid))) {
      throw invalidParam('openid must be 6-64 characters of [A-Za-z0-9_-]')
    }
    for (const key of ['nickName', 'avatarUrl', 'phoneNumber', 'countryCode'] as const) {
      const v = input[key]
      if (v !== undefined && v !== null && (typeof v !== 'string' || v.length > 256))
        throw invalidParam(`${key} must be a string`)
    }
    const appid = input.appid ?? this.ctx.appid
    if (typeof appid !== 'string' || !/^wx[0-9a-zA-Z]{6,32}$/.test(appid))
      throw invalidParam('appid must be a mini program appid (wx...)')
    const person = input.sameAs === undefined ? undefined : await this.byOpenid(String(input.sameAs))
    if (input.sameAs !== undefined && !person)
      throw invalidParam(`no simulated WeChat account with openid ${input.sameAs}`)
    if (person && person.appid === appid) throw invalidParam(`that person has a device for ${appid} already`)
    const personId = person?.personId ?? randomUUID()
    const openid = input.openid ?? this.openPlatform.openidOf(personId, appid)
    const sameOpenPlatform =
      person &&
      this.openPlatform.accountOf(appid) &&
      this.openPlatform.accountOf(appid) === this.openPlatform.accountOf(person.appid)
    const unionid =
      input.unionid === null
        ? undefined
        : (input.unionid ?? (sameOpenPlatform ? person.unionid : this.openPlatform.unionidOf(personId, appid)))
    const account: WeChatAccount = {
      appid,
      personId,
      openid,
      unionid,
      nickName: input.nickName ?? person?.nickName ?? '微信用户',
      avatarUrl: input.avatarUrl ?? person?.avatarUrl ?? '',
      phoneNumber:
        input.phoneNumber === null
          ? undefined
          : (input.phoneNumber ??
            person?.phoneNumber ??
            `138${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`),
      countryCode: input.countryCode ?? person?.countryCode ?? '86',
      token: newToken(),
    }
    try {
      await this.store.insertAsync(account)
    } catch {
      throw invalidParam(`a simulated WeChat account with openid ${openid} exists already`)
    }
    this.noteChange(account.openid, { unionid: account.unionid })
    return account
  }

  /**
   * Binds appids to an Open Platform account; the persons' devices in those apps get their unionid from then on,
   * as WeChat gives one once a mini program is bound (an account made before has none stored anywhere else).
   */
  async bindOpenPlatform(id: unknown, appids: unknown) {
    const account = this.openPlatform.bind(id, appids)
    for (const device of await this.store.findAsync({ appid: { $in: account.appids } })) {
      const unionid = this.openPlatform.unionidOf(device.personId, device.appid)
      if (device.personId && unionid && !device.unionid) {
        await this.store.updateAsync({ openid: device.openid }, { $set: { unionid } })
        this.noteChange(device.openid, { unionid })
      }
    }
    return account
  }

  async list(): Promise<WeChatAccount[]> {
    return this.store.findAsync({}).sort({ openid: 1 })
  }

  async byToken(token: unknown): Promise<WeChatAccount> {
    const account = typeof token === 'string' && token ? await this.store.findOneAsync({ token }) : null
    if (!account)
      throw new CloudError('INVALID_REQUEST_SOURCE', 'unknown simulated WeChat client: create an account first')
    return account
  }

  async byOpenid(openid: string): Promise<WeChatAccount | null> {
    return this.store.findOneAsync({ openid })
  }

  /** wx.login: a fresh single-use code, and a fresh WeChat session for checkSession. */
  async login(account: WeChatAccount): Promise<string> {
    const now = this.ctx.now()
    const code = newLoginCode()
    this.codes.set(code, {
      code,
      openid: account.openid,
      appid: account.appid ?? this.ctx.appid,
      expiresAt: now + LOGIN_CODE_TTL_MS,
      used: false,
    })
    const sessionKey = newSessionKey()
    const { numAffected } = await this.store.updateAsync(
      { openid: account.openid },
      { $set: { sessionKey, sessionValidUntil: now + SESSION_TTL_MS } },
    )
    if (numAffected > 0) this.noteChange(account.openid, { sessionKey })
    return code
  }

  /** wx.checkSession: whether the session of the last wx.login is still valid. */
  async checkSession(account: WeChatAccount): Promise<boolean> {
    const fresh = await this.byOpenid(account.openid)
    return !!fresh?.sessionValidUntil && fresh.sessionValidUntil > this.ctx.now()
  }

  async expireSession(openid: string): Promise<void> {
    await this.store.updateAsync({ openid }, { $unset: { sessionValidUntil: true } })
  }

  /**
   * auth.code2Session, as WeChat answers it: 40029 invalid code, 40163 code been used.
   * Expired codes are reported as invalid (40029), as WeChat does.
   */
  async code2Session(
    code: unknown,
    appid: string = this.ctx.appid,
  ): Promise<
    { ok: true; openid: string; unionid?: string; session_key: string } | { ok: false; errcode: number; errmsg: string }
  > {
    const entry = typeof code === 'string' ? this.codes.get(code) : undefined
    // a code is bound to the mini program that issued it: another appid's secret cannot exchange it
    if (!entry || entry.expiresAt <= this.ctx.now() || entry.appid !== appid)
      return { ok: false, errcode: 40029, errmsg: 'invalid code' }
    if (entry.used) return { ok: false, errcode: 40163, errmsg: 'code been used' }
    entry.used = true
    const session = this.sessions.get(entry.openid)
    if (!session?.sessionKey) return { ok: false, errcode: 40029, errmsg: 'invalid code' }
    return { ok: true, openid: entry.openid, unionid: session.unionid, session_key: session.sessionKey }
  }

  async reset(): Promise<void> {
    this.codes.clear()
    this.sessions.clear()
    this.openPlatform.reset()
    await this.store.removeAsync({}, { multi: true })
    await this.store.compactDatafileAsync()
  }

  async close(): Promise<void> {
    this.codes.clear()
  }
}
