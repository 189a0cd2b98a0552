/**
 * Rate-limit counters shared by instances of one database without a round trip per hit (server/src/http/
 * shared-counters.ts): each instance decides on its own hits plus the shared count it last read, and a sync adds
 * its hits to the rows in the database and reads the totals back. The syncs are forced here (the interval is set
 * long), so every step is deterministic; the server syncs by itself every WEAUTH_LIMIT_SYNC_MS in service.
 */
import { http } from '../helpers/http'
import { FakeWeChat, serversOn, startTestServer, type TestServer } from '../helpers/login-server'
import { DATABASE_KINDS, type TestDatabase } from '../helpers/test-database'

const CONSENT = { consentVersion: '2026-11' }
/** no sync but the ones a test forces */
const NO_TIMED_SYNC = { WEAUTH_LIMIT_SYNC_MS: '10000' }

async function login(t: TestServer, wechat: FakeWeChat) {
  const { code, openid } = wechat.issue()
  const res = await http(`${t.server.url}/auth/login`, { body: { code, ...CONSENT } })
  return { status: res.status, code: res.json.code as string | undefined, openid }
}

describe.each(DATABASE_KINDS)('shared rate-limit counters on %s', (kind) => {
  const { server, sharedDatabase } = serversOn(kind, NO_TIMED_SYNC)
  const ipCount = async (d: TestDatabase) =>
    (
      await d.db.query<{ n: number }>(
        "SELECT coalesce(sum(count), 0)::int AS n FROM rate_counters WHERE key LIKE 'ip:%'",
      )
    ).rows[0].n

  test('hits on one instance count on the other after a sync, and the refused login never reaches WeChat', async () => {
    const wechat = new FakeWeChat()
    const database = await sharedDatabase()
    const env = { WEAUTH_LOGIN_PER_IP: '4' }
    const [a, b] = [await server(wechat, env, database), await server(wechat, env, database)]
    expect((await login(a, wechat)).status).toBe(200)
    expect((await login(a, wechat)).status).toBe(200)
    await a.server.counters.sync()
    expect(await ipCount(database)).toBe(2)

    // b has not met this IP: a first hit stays with the instance (most keys are never hit twice)
    expect((await login(b, wechat)).status).toBe(200)
    await b.server.counters.sync()
    expect(await ipCount(database)).toBe(2)
    // the second is shared with the first, and the sync brings in a's two
    expect((await login(b, wechat)).status).toBe(200)
    await b.server.counters.sync()
    expect(await ipCount(database)).toBe(4)
    const calls = wechat.calls
    const refused = await login(b, wechat)
    expect([refused.status, refused.code]).toEqual([429, 'RATE_LIMITED'])
    expect(wechat.calls).toBe(calls)
    expect(await b.server.store.userByOpenid(refused.openid)).toBeNull()
    await b.server.counters.sync()

    // a holds the IP at half its limit or more, so its sync re-reads the shared count without new hits of its own
    await a.server.counters.sync()
    const late = await login(a, wechat)
    expect([late.status, late.code]).toEqual([429, 'RATE_LIMITED'])
    expect(wechat.calls).toBe(calls)
    expect(await ipCount(database)).toBe(5)
  })

  test('a new instance takes the shared count of a key within its first sync', async () => {
    const wechat = new FakeWeChat()
    const database = await sharedDatabase()
    const env = { WEAUTH_LOGIN_PER_IP: '2' }
    const first = await server(wechat, env, database)
    for (let i = 0; i < 2; i++) expect((await login(first, wechat)).status).toBe(200)
    await first.server.counters.sync()

    // the documented bound: before its first sync an instance knows only its own hits
    const next = await server(wechat, env, database)
    expect((await login(next, wechat)).status).toBe(200)
    await next.server.counters.sync()
    expect((await login(next, wechat)).status).toBe(429)
    expect(await ipCount(database)).toBe(3)
  })

  test('one instance is exact without any sync: the limit holds on its own counts', async () => {
    const wechat = new FakeWeChat()
    const t = await server(wechat, { WEAUTH_LOGIN_PER_USER: '2' }, await sharedDatabase())
    const { openid } = wechat.issue()
    const statuses = []
    for (let i = 0; i < 4; i++) {
      const { code } = wechat.issue(openid)
      statuses.push((await http(`${t.server.url}/auth/login`, { body: { code } })).status)
    }
    expect(statuses).toEqual([200, 200, 429, 429])
  })
})

describe('shared rate-limit counters when the database refuses writes (PGlite)', () => {
  test('a failed sync keeps its hits, and the next one shares them', async () => {
    const wechat = new FakeWeChat()
    const t = await startTestServer({ wechat, kind: 'pglite', env: NO_TIMED_SYNC })
    try {
      const counted = async () =>
        (
          await t.database.db.query<{ n: number }>(
            "SELECT coalesce(sum(count), 0)::int AS n FROM rate_counters WHERE key LIKE 'ip:%'",
          )
        ).rows[0].n
      await t.database.db.query('SET default_transaction_read_only = on')
      // the logins fail at the sign-in (503), but the per-IP limit counted them before
      for (let i = 0; i < 2; i++) expect((await login(t, wechat)).status).toBe(503)
      await expect(t.server.counters.sync()).rejects.toThrow(/read-only/)
      await t.database.db.query('SET default_transaction_read_only = off')
      expect(await counted()).toBe(0)
      await t.server.counters.sync()
      expect(await counted()).toBe(2)
    } finally {
      await t.close()
    }
  })
})
