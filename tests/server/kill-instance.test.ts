/**
 * Two stateless instances on one PostgreSQL, one of them killed with SIGKILL in the middle of 2,000 logins.
 * What a load balancer's clients must see afterwards: no user twice, no acknowledged login lost, and every
 * token the dead instance issued still accepted by the survivor (keys and sessions live in the database).
 * Needs a real PostgreSQL (two processes cannot share PGlite): tests/helpers/real-postgres.ts.
 */
import { request } from 'node:http'
import { emulatorAppSecret } from '../../emulator/src/http/wechat-api'
import { useEmulator } from '../helpers/emulator'
import { realPostgres, type RealPostgres } from '../helpers/real-postgres'
import { startServerProcess, type ServerProcess } from '../helpers/server-process'
import { createTestDatabase, type TestDatabase } from '../helpers/test-database'

const LOGINS = 2000
const CONCURRENCY = 32
/** the first instance dies once this many logins were acknowledged */
const KILL_AFTER = 700

const emulator = useEmulator()

interface Reply {
  status: number
  json: Record<string, any>
}

function call(base: string, method: string, path: string, body?: unknown, token?: string): Promise<Reply> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body))
  return new Promise((resolve, reject) => {
    const req = request(
      `${base}${path}`,
      {
        method,
        headers: {
          ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString() || 'null') }),
        )
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end(payload)
  })
}

describe('2 instances on one PostgreSQL, one killed -9 during 2,000 logins', () => {
  let pg: RealPostgres
  let database: TestDatabase
  const servers: ServerProcess[] = []

  beforeAll(async () => {
    pg = await realPostgres()
    database = await createTestDatabase('postgres', pg.url)
    const appid = emulator().ctx.appid
    const env = {
      WEAUTH_APPID: appid,
      WEAUTH_APP_SECRET: emulatorAppSecret(appid),
      WEAUTH_TOKEN_SECRET: 'kill-test-token-secret-0123456789abcdef',
      WEAUTH_WECHAT_API: emulator().url,
      WEAUTH_DATABASE_URL: database.url!,
      WEAUTH_LOGIN_PER_IP: '1000000',
      WEAUTH_LOGIN_PER_USER: '1000000',
      PORT: '0',
    }
    servers.push(await startServerProcess(env), await startServerProcess(env))
  }, 120_000)

  afterAll(async () => {
    for (const s of servers) await s.stop()
    await database?.drop()
    await pg?.stop()
  }, 60_000)

  test('0 duplicate users, 0 lost acknowledged logins, every token of the dead instance valid on the other', async () => {
    const [doomed, survivor] = servers
    const accounts = await Promise.all(Array.from({ length: LOGINS }, () => emulator().accounts.create()))
    // what wx.login gives the device: a fresh code each time
    const wxLogin = async (token: string) => (await emulator().client('auth.login', token, {})).code as string

    const acknowledged = new Map<string, { userId: string; accessToken: string; by: 'doomed' | 'survivor' }>()
    let failedOnDead = 0
    let killedAt = -1
    let next = 0
    const killing: Array<Promise<void>> = []

    async function signIn(i: number): Promise<void> {
      const account = accounts[i]
      // spread over both instances, as a load balancer does; after the kill only the survivor is left
      let target = i % 2 === 0 && killedAt < 0 ? doomed : survivor
      for (let attempt = 0; ; attempt++) {
        let reply: Reply
        try {
          reply = await call(target.url, 'POST', '/auth/login', { code: await wxLogin(account.token) })
        } catch {
          // the instance died under this request: the client retries with a fresh wx.login, elsewhere
          failedOnDead++
          target = survivor
          if (attempt > 2) throw new Error(`login ${i} failed ${attempt + 1} times`)
          continue
        }
        if (reply.status !== 200) throw new Error(`login ${i}: ${reply.status} ${JSON.stringify(reply.json)}`)
        acknowledged.set(account.openid, {
          userId: reply.json.user.id,
          accessToken: reply.json.accessToken,
          by: target === doomed ? 'doomed' : 'survivor',
        })
        if (acknowledged.size === KILL_AFTER && killedAt < 0) {
          killedAt = acknowledged.size
          killing.push(doomed.kill9())
        }
        return
      }
    }

    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < LOGINS) await signIn(next++)
      }),
    )
    await Promise.all(killing)
    expect(doomed.child.signalCode).toBe('SIGKILL')

    const rows = async <T>(sql: string, params: unknown[] = []) => (await database.db.query<T>(sql, params)).rows
    const duplicates = await rows<{ openid: string }>('SELECT openid FROM users GROUP BY openid HAVING count(*) > 1')
    const stored = new Set((await rows<{ id: string }>('SELECT id FROM users')).map((r) => r.id))
    const lost = [...acknowledged.values()].filter((a) => !stored.has(a.userId))
    const byDead = [...acknowledged.values()].filter((a) => a.by === 'doomed')
    const rejected: string[] = []
    for (const a of byDead) {
      const me = await call(survivor.url, 'GET', '/auth/me', undefined, a.accessToken)
      if (me.status !== 200 || me.json.user.id !== a.userId) rejected.push(`${me.status} ${JSON.stringify(me.json)}`)
    }
    console.log(
      `kill -9 test: ${LOGINS} logins over 2 instances, the first killed after ${killedAt} acknowledged; ` +
        `${acknowledged.size} acknowledged (${byDead.length} by the killed instance), ${failedOnDead} requests cut ` +
        `by the kill and retried; ${stored.size} users stored, ${duplicates.length} duplicate users, ${lost.length} ` +
        `lost acknowledged logins, ${byDead.length - rejected.length}/${byDead.length} tokens of the killed ` +
        `instance accepted by the survivor`,
    )
    expect(killedAt).toBe(KILL_AFTER)
    expect(acknowledged.size).toBe(LOGINS)
    expect(byDead.length).toBeGreaterThan(0)
    expect(duplicates).toEqual([])
    expect(lost).toEqual([])
    expect(rejected).toEqual([])
    expect(stored.size).toBe(LOGINS)
  }, 300_000)
})
