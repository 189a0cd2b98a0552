/**
 * Group commit of sign-ins (server/src/db/sign-in-batcher.ts): logins that arrive while another is with the
 * database leave together in one call of weauth_sign_in_batch, and each is answered as it would be alone; a batch
 * the database refuses is run again login by login, so only the failing login fails.
 */
import { randomBytes } from 'node:crypto'
import type { Queryable } from '../../server/src/db/database'
import { SignInBatcher } from '../../server/src/db/sign-in-batcher'
import { signInMany, signInPrepared, type PreparedSignIn, type SignInInput } from '../../server/src/db/sign-in'
import { AuthStore } from '../../server/src'
import { realPostgres, type RealPostgres } from '../helpers/real-postgres'
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
    const batcher = new SignInBatcher(q, { maxInFlight: 1, maxBatch: 32, stallMs: 0 })
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

  test('a second statement starts only beside one that stays out: the logins that wait leave together', async () => {
    // the database holds the first statement until released, as a row lock would
    let release = () => undefined as void
    const held = new Promise<void>((resolve) => (release = resolve))
    const names: string[] = []
    const q: Queryable = {
      query: async (text, params, name) => {
        names.push(name ?? 'unnamed')
        if (names.length === 1) await held
        return database.db.query(text, params, name)
      },
    }
    const patient = new SignInBatcher(q, { maxInFlight: 2, maxBatch: 32, stallMs: 60_000 })
    const first = patient.signIn(input(openid()))
    const waiting = [1, 2, 3].map(() => patient.signIn(input(openid())))
    await new Promise((resolve) => setTimeout(resolve, 50))
    // the first is out but not for long: the others wait for it instead of going one by one
    expect(names).toEqual(['weauth_sign_in'])
    release()
    expect((await Promise.all([first, ...waiting])).every((o) => o.ok)).toBe(true)
    expect(names).toEqual(['weauth_sign_in', 'weauth_sign_in_batch'])

    // a statement out longer than stallMs: the logins waiting behind it go beside it, and are answered before it
    names.length = 0
    let unblock = () => undefined as void
    const blocked = new Promise<void>((resolve) => (unblock = resolve))
    const stuck: Queryable = {
      query: async (text, params, name) => {
        names.push(name ?? 'unnamed')
        if (names.length === 1) await blocked
        return database.db.query(text, params, name)
      },
    }
    const batcher = new SignInBatcher(stuck, { maxInFlight: 2, maxBatch: 32, stallMs: 20 })
    const slow = batcher.signIn(input(openid()))
    const others = await Promise.all([1, 2, 3].map(() => batcher.signIn(input(openid()))))
    expect(others.every((o) => o.ok)).toBe(true)
    expect(names).toEqual(['weauth_sign_in', 'weauth_sign_in_batch'])
    unblock()
    expect((await slow).ok).toBe(true)
  })

  test('a batch the database refuses runs again login by login: only the failing login fails', async () => {
    const { q, names } = counting(database.db)
    const batcher = new SignInBatcher(q, { maxInFlight: 1, maxBatch: 32, stallMs: 0 })
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

/**
 * weauth_sign_in_batch signs the plain cases in together (identities seen before, first logins) and the rest one by
 * one through weauth_sign_in. Whatever the route, a batch must leave what the same sign-ins made one by one leave:
 * the same outcomes and the same rows, ids included (they are chosen by the caller). Two databases with the same
 * history; one takes the batch, the other the same sign-ins one at a time, in order.
 */
describe.each(DATABASE_KINDS)('a batch against the same sign-ins one by one, on %s', (kind) => {
  const APP2 = 'wxfedcba0987654321'
  const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000)
  let n = 0
  const signIn = (appid: string, openid: string, extra: Partial<SignInInput> = {}, minutes = 0): PreparedSignIn => {
    n += 1
    const hex = (i: number) => `${String(n).padStart(4, '0')}${i}`.padEnd(24, 'f')
    return {
      input: {
        appid,
        openid,
        sessionKey: `key${n}`,
        now: at(minutes),
        sessionExpiresAt: at(minutes + 1440),
        refreshTokenHash: hex(3).repeat(2),
        ...extra,
      },
      sessionId: hex(1),
      newUserId: hex(2),
    }
  }
  // accounts the batch finds: A, E and F in two apps (unionids uA, uE, uF; F's second app has its own consent), B
  // banned, C, D without a unionid
  const history = [
    signIn(APPID, 'oA1', { unionid: 'uA' }),
    signIn(APP2, 'oA2', { unionid: 'uA' }),
    signIn(APPID, 'oB'),
    signIn(APPID, 'oC'),
    signIn(APPID, 'oD'),
    signIn(APPID, 'oE1', { unionid: 'uE' }),
    signIn(APP2, 'oE2', { unionid: 'uE' }),
    signIn(APPID, 'oF1', { unionid: 'uF' }),
    signIn(APP2, 'oF2', { unionid: 'uF', consentVersion: 'v1' }),
  ]
  const batch = [
    signIn(APPID, 'oA1', { unionid: 'uA' }, 5), // seen before
    signIn(APP2, 'oA2', { unionid: 'uA' }, 5), // a second identity of the same account in this batch
    signIn(APPID, 'oB', {}, 5), // banned
    signIn(APPID, 'oC', { consentVersion: 'v9' }, 5), // consent given in the account's own app
    signIn(APPID, 'oD', { unionid: 'uD' }, 5), // a unionid to link
    signIn(APPID, 'oNew1', {}, 5), // first login
    signIn(APPID, 'oNew2', { unionid: 'uNew' }, 5), // first login with a unionid
    signIn(APP2, 'oNew3', { unionid: 'uNew' }, 5), // the same person in another app, in the same batch
    signIn(APPID, 'oTwice', {}, 5), // one person twice in the batch
    signIn(APPID, 'oTwice', {}, 5),
    signIn(APP2, 'oA3', { unionid: 'uA' }, 5), // a new identity of an account its unionid names
    signIn(APP2, 'oE2', { unionid: 'uE', consentVersion: 'v9' }, 5), // consent given in another app
    signIn(APPID, 'oPhone', { phone: { phoneNumber: '+8613800138000', countryCode: '86' } }, 5), // phone login
    signIn(APPID, 'oD2', { phone: { phoneNumber: '+8613900139000', countryCode: '86' } }, 5),
    signIn(APP2, 'oF2', { unionid: 'uF' }, 5), // seen before in the account's second app: that app's consent
  ]
  // oD2 is seen before too: signed in during the history below, then given a phone number by this batch
  history.push(signIn(APPID, 'oD2'))

  let batched: TestDatabase
  let alone: TestDatabase
  beforeAll(async () => {
    ;[batched, alone] = await Promise.all([createTestDatabase(kind), createTestDatabase(kind)])
    for (const database of [batched, alone]) {
      for (const prepared of history) await signInPrepared(database.db, prepared)
      const store = new AuthStore(database.db, APPID)
      await store.banUser((await store.userByOpenid('oB'))!.id, at(1))
    }
  })
  afterAll(async () => {
    await Promise.all([batched.drop(), alone.drop()])
  })

  const tables = async (database: TestDatabase) => {
    const dump = async (sql: string) => (await database.db.query(sql)).rows
    return {
      users: await dump('SELECT * FROM users ORDER BY id'),
      identities: await dump('SELECT * FROM identities ORDER BY appid, openid'),
      sessionKeys: await dump('SELECT * FROM wechat_sessions ORDER BY openid'),
      sessions: await dump('SELECT * FROM sessions ORDER BY id'),
      refreshTokens: await dump('SELECT * FROM refresh_tokens ORDER BY token_hash'),
    }
  }

  test('the same outcomes and the same rows', async () => {
    const together = await signInMany(batched.db, batch)
    const oneByOne = []
    for (const prepared of batch) oneByOne.push(await signInPrepared(alone.db, prepared))
    expect(together).toEqual(oneByOne)
    // the cases meant to be seen: the banned account, new accounts, each login of an account counted
    expect(oneByOne.map((o) => (o.ok ? (o.isNew ? 'new' : o.user.loginCount) : o.reason))).toEqual([
      3,
      4,
      'banned',
      2,
      2,
      'new',
      'new',
      2,
      'new',
      2,
      5,
      3,
      'new',
      2,
      3,
    ])
    expect(together[14]).toMatchObject({ ok: true, user: { privacyConsentVersion: 'v1' } })
    expect(await tables(batched)).toEqual(await tables(alone))
  })
})

/**
 * Batches of two instances racing for the same first login, on a real PostgreSQL (PGlite is one connection:
 * nothing runs beside an open transaction there). The first batch's transaction holds its new rows uncommitted
 * while the second runs into them; once the first commits, the second signs in to what the first made.
 */
describe('batches of two instances racing for one first login, on PostgreSQL', () => {
  const APP2 = 'wxfedcba0987654321'
  let pg: RealPostgres
  let database: TestDatabase
  beforeAll(async () => {
    pg = await realPostgres()
    database = await createTestDatabase('postgres', pg.url)
  }, 120_000)
  afterAll(async () => {
    await database?.drop()
    await pg?.stop()
  })

  const prepared = (appid: string, openid: string, extra: Partial<SignInInput> = {}): PreparedSignIn => ({
    input: { ...input(openid), appid, ...extra },
    sessionId: randomBytes(12).toString('hex'),
    newUserId: randomBytes(12).toString('hex'),
  })

  /** `first` signed in by a transaction kept open until `second` is waiting on its rows, then committed */
  async function race(first: PreparedSignIn[], second: PreparedSignIn[]) {
    let commit = () => undefined as void
    const committed = new Promise<void>((resolve) => (commit = resolve))
    let ran = () => undefined as void
    const firstRan = new Promise<void>((resolve) => (ran = resolve))
    const a = database.db.transaction(async (tx) => {
      const outcomes = await signInMany(tx, first)
      ran()
      await committed
      return outcomes
    })
    await firstRan
    const b = signInMany(database.db, second)
    // the second cannot finish before the first commits: it waits on rows the first holds
    const finishedEarly = await Promise.race([
      b.then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 200)),
    ])
    expect(finishedEarly).toBe(false)
    commit()
    return [await a, await b]
  }
  const rows = async (sql: string, params: unknown[]) => (await database.db.query(sql, params)).rows

  test('the same new user in both: one account, the second login signs in to it', async () => {
    const [x, y, z] = [openid(), openid(), openid()]
    const [first, second] = await race(
      [prepared(APPID, x), prepared(APPID, y)],
      [prepared(APPID, x), prepared(APPID, z)],
    )
    expect(first.map((o) => !(o instanceof Error) && o.ok && o.isNew)).toEqual([true, true])
    const [mine, other] = second
    expect(mine).toMatchObject({ ok: true, isNew: false, user: { loginCount: 2 } })
    expect(!(mine instanceof Error) && mine.user.id).toBe(!(first[0] instanceof Error) && first[0].user.id)
    expect(other).toMatchObject({ ok: true, isNew: true })
    expect(await rows('SELECT count(*)::int AS n FROM users WHERE openid = $1', [x])).toEqual([{ n: 1 }])
  })

  test('an identity linked to an account meanwhile: the account the second made goes, it signs in there', async () => {
    // P has an account from the first app; in the second app, the first batch joins P by its unionid while the
    // second batch (a login that came without the unionid) makes an account, then finds the identity taken
    const owner = openid()
    const [made] = await signInMany(database.db, [prepared(APPID, owner, { unionid: `u${owner}` })])
    const q = openid()
    const [first, second] = await race([prepared(APP2, q, { unionid: `u${owner}` })], [prepared(APP2, q)])
    const accountOf = (o: unknown) => (o as { user: { id: string } }).user.id
    expect(accountOf(first[0])).toBe(accountOf(made))
    expect(second[0]).toMatchObject({ ok: true, isNew: false, user: { id: accountOf(made), loginCount: 3 } })
    expect(await rows('SELECT count(*)::int AS n FROM users WHERE openid = $1', [q])).toEqual([{ n: 0 }])
    expect(await rows('SELECT user_id FROM identities WHERE appid = $1 AND openid = $2', [APP2, q])).toEqual([
      { user_id: accountOf(made) },
    ])
  })
})
