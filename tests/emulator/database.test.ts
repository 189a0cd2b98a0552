import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startEmulator } from '../../emulator/src'
import { adminSdk, useEmulator } from '../helpers/emulator'
import { clientDb } from '../helpers/client-db'
import { recordFigures } from '../helpers/figures'

const FIXTURE_DB = join(__dirname, '..', 'fixtures', 'database')
const emulator = useEmulator({ databaseDir: FIXTURE_DB })

/** The error a wx-server-sdk call rejects with. */
async function failure(promise: Promise<unknown>): Promise<{ errCode: number; errMsg: string }> {
  try {
    await promise
  } catch (e) {
    return e as { errCode: number; errMsg: string }
  }
  throw new Error('expected the call to fail')
}
/** What a mini-program call that must fail rejects with: the same errCode/errMsg shape. */
const refused = failure

beforeEach(() => emulator().control('reset'))

describe('cloud database through the unmodified wx-server-sdk (admin)', () => {
  test('add, doc().get, serverDate, update operators, set, remove', async () => {
    const db: any = adminSdk(emulator()).database() // the SDK's callback overloads widen every result type
    const _ = db.command
    const before = Date.now()
    const { _id } = (await db
      .collection('items')
      .add({ data: { name: 'a', n: 1, tags: ['x'], at: db.serverDate() } })) as { _id: string }
    expect(_id).toMatch(/^[0-9a-f]{32}$/)
    const got = (await db.collection('items').doc(_id).get()).data as Record<string, any>
    expect(got).toMatchObject({ _id, name: 'a', n: 1, tags: ['x'] })
    expect(got.at).toBeInstanceOf(Date)
    expect(got.at.getTime()).toBeGreaterThanOrEqual(before - 1000)

    const updated = await db
      .collection('items')
      .doc(_id)
      .update({ data: { n: _.inc(2), tags: _.push(['y']), name: _.remove(), 'nested.k': 'v' } })
    expect(updated.stats.updated).toBe(1)
    const after = (await db.collection('items').doc(_id).get()).data as Record<string, any>
    expect(after).toMatchObject({ n: 3, tags: ['x', 'y'], nested: { k: 'v' } })
    expect(after).not.toHaveProperty('name')

    await db
      .collection('items')
      .doc(_id)
      .set({ data: { only: true } })
    const replaced = (await db.collection('items').doc(_id).get()).data
    expect(replaced).toEqual({ _id, only: true })

    const removed = await db.collection('items').doc(_id).remove()
    expect(removed.stats.removed).toBe(1)
    const missing = await failure(db.collection('items').doc(_id).get())
    expect(missing.errMsg).toMatch(/does not exist/)
  })

  test('where with db.command operators, orderBy, skip, limit, field, count', async () => {
    const db: any = adminSdk(emulator()).database() // the SDK's callback overloads widen every result type
    const _ = db.command
    const items = db.collection('items')
    for (let i = 0; i < 10; i++) await items.add({ data: { i, even: i % 2 === 0, ...(i < 3 ? { low: true } : {}) } })
    const ids = async (q: any) => ((await q.get()).data as Array<{ i: number }>).map((d) => d.i).sort((a, b) => a - b)

    expect(await ids(items.where({ i: _.eq(4) }))).toEqual([4])
    expect(await ids(items.where({ i: _.neq(4), even: true }))).toEqual([0, 2, 6, 8])
    expect(await ids(items.where({ i: _.gt(7) }))).toEqual([8, 9])
    expect(await ids(items.where({ i: _.gte(7).and(_.lte(8)) }))).toEqual([7, 8])
    expect(await ids(items.where({ i: _.lt(2) }))).toEqual([0, 1])
    expect(await ids(items.where({ i: _.in([1, 5, 42]) }))).toEqual([1, 5])
    // _.in of scalars narrows through the store's indexes first: the same matches as MongoDB's (no type coercion,
    // an array field matches on any member, _id lists may name missing documents)
    expect(await ids(items.where({ i: _.in(['1', 5]) }))).toEqual([5])
    const tagged = (await items.add({ data: { i: 100, tags: ['a', 'b'] } }))._id
    expect(await ids(items.where({ tags: _.in(['b', 'z']) }))).toEqual([100])
    const byId = (await items.where({ _id: _.in([tagged, 'missing']) }).get()).data as Array<{ _id: string }>
    expect(byId.map((d) => d._id)).toEqual([tagged])
    await items.doc(tagged).remove()
    const indexed = db.collection('users') // the fixture indexes _openid (unique)
    await indexed.add({
      data: [
        { _id: 'in-1', _openid: 'in-o1' },
        { _id: 'in-2', _openid: 'in-o2' },
      ],
    })
    const found = (await indexed.where({ _openid: _.in(['in-o2', 'in-o3']) }).get()).data as Array<{ _id: string }>
    expect(found.map((d) => d._id)).toEqual(['in-2'])
    await indexed.where({ _id: _.in(['in-1', 'in-2']) }).remove()
    expect(await ids(items.where({ i: _.nin([0, 1, 2, 3, 4, 5, 6]) }))).toEqual([7, 8, 9])
    expect(await ids(items.where(_.or([{ i: 0 }, { i: 9 }])))).toEqual([0, 9])
    expect(await ids(items.where({ low: _.exists(true) }))).toEqual([0, 1, 2])

    const page = (await items.orderBy('i', 'desc').skip(2).limit(3).field({ i: true }).get()).data as Array<
      Record<string, unknown>
    >
    expect(page.map((d) => d.i)).toEqual([7, 6, 5])
    expect(Object.keys(page[0]).sort()).toEqual(['_id', 'i'])
    expect((await items.where({ even: true }).count()).total).toBe(5)

    const multi = await items.where({ even: true }).update({ data: { tagged: true } })
    expect(multi.stats.updated).toBe(5)
    expect((await items.where({ tagged: true }).count()).total).toBe(5)
    expect((await items.where({ even: false }).remove()).stats.removed).toBe(5)
    expect((await items.count()).total).toBe(5)
  })

  test('a cloud function reads at most 1000 documents, 100 by default', async () => {
    const db: any = adminSdk(emulator()).database() // the SDK's callback overloads widen every result type
    const batch = Array.from({ length: 1000 }, (_, i) => ({ i }))
    // one insert request with 1000 documents, WeChat's batch maximum
    await emulator().admin('database.insertDocument', {
      collectionName: 'items',
      data: batch.map((d) => JSON.stringify({ i: { $numberInt: String(d.i) } })),
    })
    await db.collection('items').add({ data: { i: 1000 } })
    expect((await db.collection('items').get()).data).toHaveLength(100)
    expect((await db.collection('items').limit(1000).get()).data).toHaveLength(1000)
    expect((await db.collection('items').count()).total).toBe(1001)
  })

  test('WeChat error codes: missing collection -502005, unique index -502001 E11000, bad operator', async () => {
    const db: any = adminSdk(emulator()).database() // the SDK's callback overloads widen every result type
    expect((await failure(db.collection('nope').add({ data: { a: 1 } }))).errCode).toBe(-502005)
    expect((await failure(db.collection('nope').get())).errCode).toBe(-502005)

    await db.collection('users').add({ data: { _openid: 'o-same', n: 1 } })
    const dup = await failure(db.collection('users').add({ data: { _openid: 'o-same', n: 2 } }))
    expect(dup.errCode).toBe(-502001)
    expect(dup.errMsg).toMatch(/E11000 duplicate key/)
    expect((await db.collection('users').where({ _openid: 'o-same' }).count()).total).toBe(1)

    // an update that would break the unique index changes nothing, not even the documents before it
    await db.collection('users').add({ data: { _openid: 'o-other', n: 3 } })
    expect(
      (
        await failure(
          db
            .collection('users')
            .where({ n: 3 })
            .update({ data: { _openid: 'o-same' } }),
        )
      ).errCode,
    ).toBe(-502001)
    expect((await db.collection('users').where({ _openid: 'o-other' }).count()).total).toBe(1)
  })

  test('createCollection makes a collection that exists until reset', async () => {
    const db: any = adminSdk(emulator()).database() // the SDK's callback overloads widen every result type
    await db.createCollection('made_at_runtime')
    await db.collection('made_at_runtime').add({ data: { a: 1 } })
    expect(emulator().database.collections()).toContain('made_at_runtime')
    await emulator().control('reset')
    expect(emulator().database.collections()).not.toContain('made_at_runtime')
    expect(emulator().database.collections()).toContain('users')
  })

  test('injected database faults reach the function as WeChat errors', async () => {
    const db: any = adminSdk(emulator()).database() // the SDK's callback overloads widen every result type
    emulator().faults.add({
      service: 'database',
      action: 'database.insertDocument',
      error: { code: 'DATABASE_REQUEST_FAILED' },
      times: 1,
    })
    expect((await failure(db.collection('items').add({ data: { a: 1 } }))).errCode).toBe(-502001)
    expect((await db.collection('items').count()).total).toBe(0)
    await db.collection('items').add({ data: { a: 1 } })
    expect((await db.collection('items').count()).total).toBe(1)
  })

  test('invalid requests are refused with INVALID_PARAM and write nothing', async () => {
    const call = (params: Record<string, unknown>) => emulator().admin('database.insertDocument', params)
    await expect(call({ collectionName: 'items', data: 'not an array' })).rejects.toMatchObject({
      code: 'INVALID_PARAM',
    })
    await expect(call({ collectionName: 'items', data: ['{not json'] })).rejects.toMatchObject({
      code: 'INVALID_PARAM',
    })
    await expect(call({ collectionName: 'items', data: ['{"ok":1}', '{"$bad":1}'] })).rejects.toMatchObject({
      code: 'INVALID_PARAM',
    })
    await expect(call({ collectionName: '../etc', data: ['{}'] })).rejects.toMatchObject({ code: 'INVALID_PARAM' })
    const get = (params: Record<string, unknown>) =>
      emulator().admin('database.getDocument', { collectionName: 'items', ...params })
    await expect(get({ limit: -1 })).rejects.toMatchObject({ code: 'INVALID_PARAM' })
    await expect(get({ queryType: 'SQL' })).rejects.toMatchObject({ code: 'INVALID_PARAM' })
    await expect(get({ query: '{"a":{"$frobnicate":1}}' })).rejects.toMatchObject({ code: 'INVALID_PARAM' })
    expect(await emulator().database.dump('items')).toEqual([])
  })
})

describe('the mini program (client path: wx.cloud.database()) under the shipped rules', () => {
  async function twoUsers() {
    const me = await emulator().accounts.create()
    const other = await emulator().accounts.create()
    const admin: any = adminSdk(emulator()).database()
    const mine = (await admin
      .collection('users')
      .add({ data: { _openid: me.openid, role: 'user', loginCount: 1 } })) as { _id: string }
    const theirs = (await admin
      .collection('users')
      .add({ data: { _openid: other.openid, role: 'user', loginCount: 1 } })) as { _id: string }
    return { me, other, mine: mine._id, theirs: theirs._id }
  }

  test('users: no client read at all, not even of the own record (the app sees only the masked view from functions)', async () => {
    const { me, other, mine, theirs } = await twoUsers()
    const db = clientDb(emulator(), me)
    const reads = [
      db.collection('users').where({ _openid: me.openid }).get(),
      db.collection('users').doc(mine).get(),
      db.collection('users').get(),
      db.collection('users').where({ _openid: other.openid }).get(),
      db.collection('users').where({ role: 'user' }).get(),
      db.collection('users').doc(theirs).get(),
      db.collection('users').where({ _openid: me.openid }).count(),
    ]
    const refusals = await Promise.all(reads.map(refused))
    for (const r of refusals)
      expect(r).toMatchObject({ errCode: -502003, errMsg: expect.stringMatching(/:fail .*-502003/) })
    recordFigures('rules-no-client-read', {
      guarantee:
        'users rules: a mini program cannot read any user record through wx.cloud.database(), its own included',
      test: 'tests/emulator/database.test.ts',
      readsTried: reads.length,
      readsRefused: refusals.filter((r) => r.errCode === -502003).length,
    })
  })

  test('users: no client write at all, so server-only fields stay as the functions left them', async () => {
    const { me, mine, theirs } = await twoUsers()
    const db = clientDb(emulator(), me)
    const _ = db.command
    const attempts = [
      db
        .collection('users')
        .doc(mine)
        .update({ data: { role: 'admin' } }),
      db
        .collection('users')
        .doc(mine)
        .update({
          data: { status: 'active', phoneNumber: '13800000000', loginCount: _.inc(100), createdAt: new Date(0) },
        }),
      db
        .collection('users')
        .where({ _openid: me.openid })
        .update({ data: { role: 'admin' } }),
      db
        .collection('users')
        .doc(theirs)
        .update({ data: { nickName: 'pwned' } }),
      db
        .collection('users')
        .doc(mine)
        .set({ data: { role: 'admin' } }),
      db.collection('users').doc(theirs).remove(),
      db.collection('users').where({ _openid: me.openid }).remove(),
      db.collection('users').add({ data: { role: 'admin' } }),
    ]
    const results = await Promise.all(attempts.map(refused))
    for (const result of results) expect(result.errCode).toBe(-502003)
    const records = await emulator().database.dump('users')
    expect(records).toHaveLength(2)
    for (const r of records) expect(r).toMatchObject({ role: 'user', loginCount: 1 })
    expect(records.some((r) => 'nickName' in r || 'phoneNumber' in r)).toBe(false)
    recordFigures('rules-no-client-write', {
      guarantee:
        'users rules: the mini program cannot create, update, replace or delete any user record, its own included, so server-only fields (role, status, phone, loginCount, createdAt) never change from the client',
      test: 'tests/emulator/database.test.ts',
      writesTried: attempts.length,
      writesRefused: results.filter((r) => r.errCode === -502003).length,
      recordsChecked: records.length,
    })
  })

  test('custom rules: creator writes, public documents readable by all, _openid set by WeChat', async () => {
    const me = await emulator().accounts.create()
    const other = await emulator().accounts.create()
    const mine = clientDb(emulator(), me)
    const added = await mine.collection('notes').add({ data: { text: 'hi', public: false } })
    expect(added).toEqual({ _id: expect.stringMatching(/^[0-9a-f]{32}$/), errMsg: 'collection.add:ok' })
    const [stored] = await emulator().database.dump('notes')
    expect(stored._openid).toBe(me.openid)
    expect(
      (await refused(mine.collection('notes').add({ data: { _openid: other.openid, text: 'forged' } }))).errCode,
    ).toBe(-502003)

    const theirs = clientDb(emulator(), other)
    expect((await refused(theirs.collection('notes').doc(added._id).get())).errCode).toBe(-502003)
    expect(
      (
        await refused(
          theirs
            .collection('notes')
            .doc(added._id)
            .update({ data: { text: 'x' } }),
        )
      ).errCode,
    ).toBe(-502003)
    expect(
      (
        await mine
          .collection('notes')
          .doc(added._id)
          .update({ data: { public: true } })
      ).stats.updated,
    ).toBe(1)
    expect((await theirs.collection('notes').doc(added._id).get()).data.text).toBe('hi')
    expect((await theirs.collection('notes').where({ public: true }).get()).data).toHaveLength(1)
    expect(
      (
        await refused(
          mine
            .collection('notes')
            .doc(added._id)
            .update({ data: { _openid: other.openid } }),
        )
      ).errCode,
    ).toBe(-502003)
    expect((await refused(theirs.collection('notes').doc(added._id).remove())).errCode).toBe(-502003)
    expect((await mine.collection('notes').doc(added._id).remove()).stats.removed).toBe(1)
    expect((await refused(mine.collection('notes').doc(added._id).get())).errMsg).toMatch(/does not exist/)
  })

  test('built-in modes narrow or refuse as WeChat basic permissions do; the client reads at most 20', async () => {
    const me = await emulator().accounts.create()
    const other = await emulator().accounts.create()
    const admin: any = adminSdk(emulator()).database()
    for (const name of ['private', 'readonly', 'adminwrite', 'adminonly']) {
      await admin.collection(name).add({ data: { _openid: other.openid, v: 1 } })
    }
    const db = clientDb(emulator(), me)
    for (let i = 0; i < 25; i++) await db.collection('private').add({ data: { i } })

    expect((await db.collection('private').get()).data).toHaveLength(20)
    expect((await db.collection('private').limit(100).get()).data).toHaveLength(20)
    expect((await db.collection('private').count()).total).toBe(25) // only mine: theirs is invisible
    expect(
      (
        await db
          .collection('private')
          .where({ v: 1 })
          .update({ data: { v: 2 } })
      ).stats.updated,
    ).toBe(0)
    expect((await db.collection('readonly').get()).data).toHaveLength(1)
    expect(
      (
        await db
          .collection('readonly')
          .where({ v: 1 })
          .update({ data: { v: 2 } })
      ).stats.updated,
    ).toBe(0)
    expect((await db.collection('adminwrite').get()).data).toHaveLength(1)
    expect((await refused(db.collection('adminwrite').add({ data: { v: 3 } }))).errCode).toBe(-502003)
    expect((await refused(db.collection('adminonly').get())).errCode).toBe(-502003)
    expect((await admin.collection('private').where({ v: 1 }).count()).total).toBe(1)
  })
})

describe('persistence', () => {
  test('data survives a restart of the emulator and reset wipes it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'weauth-db-'))
    try {
      const first = await startEmulator({ dataDir, databaseDir: FIXTURE_DB })
      await first.admin('database.insertDocument', { collectionName: 'items', data: ['{"kept":true}'] })
      await first.admin('database.addCollection', { collectionName: 'later' })
      await first.stop()

      const second = await startEmulator({ dataDir, databaseDir: FIXTURE_DB })
      expect(await second.database.dump('items')).toEqual([expect.objectContaining({ kept: true })])
      expect(second.database.collections()).toContain('later')
      await second.control('reset')
      await second.stop()

      const third = await startEmulator({ dataDir, databaseDir: FIXTURE_DB })
      expect(await third.database.dump('items')).toEqual([])
      expect(third.database.collections()).not.toContain('later')
      await third.stop()
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})
