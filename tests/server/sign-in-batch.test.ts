/**
 * Group commit of sign-ins (server/src/db/sign-in-batcher.ts): logins that arrive while another is with the
 * database leave together in one call of weauth_sign_in_batch, and each is answered as it would be alone; a batch
 * the database refuses is run again login by login, so only the failing login fails.
 */
import { randomBytes } from 'node:crypto'
import type { Queryable } from '../../server/src/db/database'
import { SignInBatcher } from '../../server/src/db/sign-in-batcher'
import type { SignInInput } from '../../server/src/db/sign-in'
import { AuthStore } from '../../server/src'
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../helpers/test-database'

const APPID = 'wx1234567890abcdef'
const now = new Date('2026-03-01T08:00:00.000Z')

const input = (openid: string, extra: Partial<SignInInput> = {}): SignInInput => ({
  appid: APPID,
  openid,
  sessionKey: randomBytes(16).toString('base64'),
  now,
  sessionExpiresAt: new Date(now.getTime() + 86_400_000),
  refreshTokenHash: randomBytes(32).toString('hex'),
  ...extra,
})

/** the database, counting the statements it is sent by name (which sign-in path ran) */
function counting(db: Queryable) {
  const names: string[] = []
  const q: Queryable = {
    query: (text, params, name) => {
      names.push(name ?? 'unnamed')
      return db.query(text, params, name)
    },
  }
  return { q, names }
}

/** a login is answered a few ticks before its statement's slot is free again */
const idle = () => new Promise((resolve) => setImmediate(resolve))

const openid = () => `o${randomBytes(12).toString('hex')}`

describe.each(DATABASE_KINDS)('sign-ins in batches on %s', (kind) => {
  let database: TestDatabase
  beforeAll(async () => {
    database = await createTestDatabase(kind)
  })
  afterAll(async () => {
    await database.drop()
  })
  const rows = async <T>(sql: string, params: unknown[] = []) => (await database.db.query<T>(sql, params)).rows

  test('logins waiting for the database leave together, each answered as alone', async () => {
    const { q, names } = counting(database.db)
    const batcher = new SignInBatcher(q, { maxInFlight: 1, maxBatch: 32 })
    const banned = openid()
    await batcher.signIn(input(banned))
    const store = new AuthStore(database.db, APPID)
    await store.banUser((await store.userByOpenid(banned))!.id, now)
    await idle()
    names.length = 0

    const fresh = Array.from({ length: 6 }, openid)
    const again = openid()
    const outcomes = await Promise.all([
      ...fresh.map((o) => batcher.signIn(input(o))),
      // one person three times at once: one account, counted three times
      ...[1, 2, 3].map(() => batcher.signIn(input(again))),
      batcher.signIn(input(banned)),
    ])
    // the first left alone; the nine that waited went in one batch
    expect(names).toEqual(['weauth_sign_in', 'weauth_sign_in_batch'])

    expect(outcomes.slice(0, 6).map((o) => o.ok && o.isNew)).toEqual([true, true, true, true, true, true])
    expect(outcomes.slice(0, 6).map((o) => o.user.openid)).toEqual(fresh)
    const repeated = outcomes.slice(6, 9)
    expect(repeated.map((o) => o.ok && o.isNew)).toEqual([true, false, false])
    expect(new Set(repeated.map((o) => o.user.id)).size).toBe(1)
    expect(repeated.map((o) => o.user.loginCount)).toEqual([1, 2, 3])
    expect(outcomes[9]).toMatchObject({ ok: false, reason: 'banned' })

    const sessions = await rows<{ n: number }>('SELECT count(*)::int AS n FROM sessions WHERE id = ANY($1::text[])', [
      outcomes.flatMap((o) => (o.ok ? [o.sessionId] : [])),
    ])
    expect(sessions[0].n).toBe(9)
  })

  test('a batch the database refuses runs again login by login: only the failing login fails', async () => {
    const { q, names } = counting(database.db)
    const batcher = new SignInBatcher(q, { maxInFlight: 1, maxBatch: 32 })
    const taken = input(openid())
    await batcher.signIn(taken)
    await idle()
    names.length = 0

    // a refresh-token hash already stored: its INSERT breaks the unique key and fails the whole batch
    const [first, clash, last] = [
      input(openid()),
      input(openid(), { refreshTokenHash: taken.refreshTokenHash }),
      input(openid()),
    ]
    const blocker = batcher.signIn(input(openid()))
    const settled = await Promise.allSettled([first, clash, last].map((i) => batcher.signIn(i)))
    await blocker

    expect(names).toEqual([
      'weauth_sign_in',
      'weauth_sign_in_batch',
      'weauth_sign_in',
      'weauth_sign_in',
      'weauth_sign_in',
    ])
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    const stored = await rows<{ openid: string }>('SELECT openid FROM users WHERE openid = ANY($1::text[])', [
      [first.openid, clash.openid, last.openid],
    ])
    expect(stored.map((r) => r.openid).sort()).toEqual([first.openid, last.openid].sort())
  })
})
