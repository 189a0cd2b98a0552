import { randomBytes } from 'node:crypto'
import { loadConfig, startAuthServer, type StartedServer, type WeChatApi } from '../../server/src'
import type { Code2SessionResult, PhoneResult, TextCheckResult } from '../../server/src'
import { createTestDatabase, type TestDatabase } from './test-database'

export const TEST_APPID = 'wx1234567890abcdef'
export const TEST_TOKEN_SECRET = 'test-token-secret-0123456789abcdef'

/** A scripted WeChat (no emulator): codes it issued, errcodes pushed in `next`, the phone it answers. */
export class FakeWeChat implements WeChatApi {
  codes = new Map<string, { openid: string; sessionKey: string; unionid?: string; used: boolean }>()
  /** openid -> the session_key WeChat currently holds (the latest exchanged) */
  current = new Map<string, string>()
  next: Array<Code2SessionResult | Error> = []
  phone: PhoneResult | Error = {
    ok: true,
    phoneNumber: '13912345678',
    purePhoneNumber: '13912345678',
    countryCode: '86',
  }
  calls = 0

  /** what wx.login + WeChat's side would produce for this user */
  issue(openid = `o${randomBytes(12).toString('hex')}`, sessionKey = randomBytes(16).toString('base64')) {
    const code = randomBytes(16).toString('hex')
    this.codes.set(code, { openid, sessionKey, unionid: `u-${openid}`, used: false })
    return { code, openid, sessionKey }
  }

  async code2Session(code: string): Promise<Code2SessionResult> {
    this.calls += 1
    const scripted = this.next.shift()
    if (scripted instanceof Error) throw scripted
    if (scripted) return scripted
    const entry = this.codes.get(code)
    if (!entry) return { ok: false, errcode: 40029, errmsg: 'invalid code' }
    if (entry.used) return { ok: false, errcode: 40163, errmsg: 'code been used' }
    entry.used = true
    this.current.set(entry.openid, entry.sessionKey)
    return { ok: true, openid: entry.openid, sessionKey: entry.sessionKey, unionid: entry.unionid }
  }

  /** the openid each phone exchange was asked for (the server must pass the caller's) */
  phoneOpenids: Array<string | undefined> = []
  async getPhoneNumber(_code: string, openid?: string): Promise<PhoneResult> {
    this.phoneOpenids.push(openid)
    if (this.phone instanceof Error) throw this.phone
    return this.phone
  }

  /** texts containing any of these are `risky` to the content check; `textCheck` overrides the verdict */
  riskyWords = new Set<string>()
  textCheck: TextCheckResult | Error | null = null
  textChecks: Array<{ openid: string; content: string }> = []
  async checkText(openid: string, content: string): Promise<TextCheckResult> {
    this.textChecks.push({ openid, content })
    if (this.textCheck instanceof Error) throw this.textCheck
    if (this.textCheck) return this.textCheck
    return { ok: true, suggest: [...this.riskyWords].some((w) => content.includes(w)) ? 'risky' : 'pass' }
  }

  async checkSessionKey(openid: string, sessionKey: string): Promise<boolean> {
    return this.current.get(openid) === sessionKey
  }
}

export interface TestServer {
  server: StartedServer
  database: TestDatabase
  logs: string[]
  close(): Promise<void>
}

/** The server on a fresh test database with a scripted WeChat and a movable clock. */
export async function startTestServer(options: {
  wechat: WeChatApi
  now?: () => number
  env?: Record<string, string>
  kind?: 'pglite' | 'postgres'
  database?: TestDatabase
}): Promise<TestServer> {
  const database = options.database ?? (await createTestDatabase(options.kind))
  const logs: string[] = []
  const server = await startAuthServer({
    config: loadConfig({
      WEAUTH_APPID: TEST_APPID,
      WEAUTH_APP_SECRET: 'test-app-secret',
      WEAUTH_TOKEN_SECRET: TEST_TOKEN_SECRET,
      WEAUTH_PUBLIC_URL: 'https://api.example.com',
      WEAUTH_LOGIN_PER_IP: '100000',
      WEAUTH_LOGIN_PER_USER: '100000',
      WEAUTH_WRITES_PER_USER: '100000',
      WEAUTH_AUTH_FAILURES_PER_IP: '100000',
      PORT: '0',
      ...options.env,
    }),
    database: database.db,
    wechat: options.wechat,
    now: options.now,
    logger: { level: 'info', stream: { write: (line: string) => void logs.push(line) } },
  })
  return {
    server,
    database,
    logs,
    async close() {
      await server.close()
      if (!options.database) await database.drop()
    },
  }
}

/**
 * For a describe block: servers and shared databases that are all closed and dropped after it. `server()` starts
 * one on its own database, or on `database` to stand beside others as instances of one deployment.
 */
export function serversOn(kind: 'pglite' | 'postgres', defaults: Record<string, string> = {}) {
  const started: TestServer[] = []
  const databases: TestDatabase[] = []
  afterAll(async () => {
    for (const t of started) await t.close()
    for (const d of databases) await d.drop()
  })
  return {
    async server(wechat: FakeWeChat, env: Record<string, string> = {}, database?: TestDatabase) {
      const t = await startTestServer({ wechat, kind, database, env: { ...defaults, ...env } })
      started.push(t)
      return t
    },
    async sharedDatabase() {
      const d = await createTestDatabase(kind)
      databases.push(d)
      return d
    },
  }
}
