import { join } from 'node:path'
import { adminSdk, useEmulator } from '../../helpers/emulator'
import { clientDb } from '../../helpers/client-db'

/**
 * Conformance: query features of the cloud database, each case against the WeChat page that documents it,
 * through the unmodified wx-server-sdk (admin) and the simulated wx.cloud.database() (client).
 */
const emulator = useEmulator({ databaseDir: join(__dirname, '..', '..', 'fixtures', 'database') })
beforeEach(() => emulator().control('reset'))

async function seed(names: string[]) {
  const db: any = adminSdk(emulator()).database()
  for (const name of names) await db.collection('items').add({ data: { name } })
  return db
}

describe('RegExp queries (https://developers.weixin.qq.com/miniprogram/dev/wxcloud/reference-sdk-api/database/Database.RegExp.html)', () => {
  test('a JavaScript regex literal matches, with its flags', async () => {
    const db = await seed(['Apple', 'apricot', 'banana'])
    const { data } = await db.collection('items').where({ name: /^ap/i }).get()
    expect(data.map((d: any) => d.name).sort()).toEqual(['Apple', 'apricot'])
    const { data: caseSensitive } = await db.collection('items').where({ name: /^ap/ }).get()
    expect(caseSensitive.map((d: any) => d.name)).toEqual(['apricot'])
  })

  test('db.RegExp({ regexp, options }) and new db.RegExp(...) match the same', async () => {
    const db = await seed(['Apple', 'apricot', 'banana'])
    const a = await db
      .collection('items')
      .where({ name: db.RegExp({ regexp: 'AN', options: 'i' }) })
      .get()
    const b = await db
      .collection('items')
      .where({ name: new db.RegExp({ regexp: 'AN', options: 'i' }) })
      .get()
    expect(a.data.map((d: any) => d.name)).toEqual(['banana'])
    expect(b.data.map((d: any) => d.name)).toEqual(['banana'])
  })

  test("the x option ignores whitespace in the pattern (MongoDB's extended syntax)", async () => {
    const db = await seed(['banana', 'cherry'])
    const { data } = await db
      .collection('items')
      .where({ name: db.RegExp({ regexp: 'ban  ana # comment', options: 'x' }) })
      .get()
    expect(data.map((d: any) => d.name)).toEqual(['banana'])
  })

  test('where({ _id: /.*/ }).remove() removes every document', async () => {
    const db = await seed(['a', 'b', 'c'])
    const { stats } = await db.collection('items').where({ _id: /.*/ }).remove()
    expect(stats.removed).toBe(3)
    expect(await emulator().dump('items')).toEqual([])
  })

  test('a regex inside command.in and command.or matches too', async () => {
    const db = await seed(['Apple', 'kiwi', 'banana'])
    const _ = db.command
    const { data } = await db
      .collection('items')
      .where({ name: _.in([/^k/, /^b/]) })
      .get()
    expect(data.map((d: any) => d.name).sort()).toEqual(['banana', 'kiwi'])
  })

  test('from the mini program, a regex on _openid cannot widen a PRIVATE collection', async () => {
    await seed(['admin-made'])
    const alice = await emulator().accounts.create()
    const db = clientDb(emulator(), alice)
    await db.collection('items').add({ data: { name: 'mine' } })
    const { data } = await db.collection('items').where({ _openid: /.*/ }).get()
    expect(data.map((d: any) => d.name)).toEqual(['mine'])
  })
})

describe('elemMatch on arrays of scalars (https://developers.weixin.qq.com/miniprogram/dev/wxcloud/reference-sdk-api/database/command/Command.elemMatch.html)', () => {
  test('matches an element of a scalar array', async () => {
    const db: any = adminSdk(emulator()).database()
    const _ = db.command
    await db.collection('items').add({ data: { scores: [3, 9] } })
    await db.collection('items').add({ data: { scores: [1, 2] } })
    const { data } = await db
      .collection('items')
      .where({ scores: _.elemMatch(_.gt(5)) })
      .get()
    expect(data.map((d: any) => d.scores)).toEqual([[3, 9]])
  })
})

describe('updateAndReturn (https://docs.cloudbase.net/api-reference/server/node-sdk/database/query#updateandreturn)', () => {
  test('updates the first match and returns it after the update (@cloudbase/node-sdk)', async () => {
    adminSdk(emulator()) // the function environment
    const db: any = require('@cloudbase/node-sdk').init({ env: emulator().envId }).database()
    const _ = db.command
    await db.collection('items').add({ name: 'counter', n: 1 })
    const res = await db
      .collection('items')
      .where({ name: 'counter' })
      .updateAndReturn({ n: _.inc(1) })
    expect(res).toMatchObject({ updated: 1, doc: { name: 'counter', n: 2 } })
    const none = await db.collection('items').where({ name: 'missing' }).updateAndReturn({ n: 1 })
    expect(none).toMatchObject({ updated: 0, doc: null })
  })
})

describe('Geo (https://developers.weixin.qq.com/miniprogram/dev/wxcloud/reference-sdk-api/database/Geo.html)', () => {
  // geo queries themselves: conformance/geo.test.ts
  test('a geo operator inside or() is refused loudly, never answered wrongly', async () => {
    const db: any = adminSdk(emulator()).database()
    const _ = db.command
    await db.collection('items').add({ data: { at: db.Geo.Point(113.3, 23.1) } })
    const { Point, LineString, Polygon } = db.Geo
    const area = Polygon([LineString([Point(113, 23), Point(114, 23), Point(114, 24), Point(113, 23)])])
    await expect(
      db
        .collection('items')
        .where(_.or([{ at: _.geoWithin({ geometry: area }) }, { name: 'x' }]))
        .get(),
    ).rejects.toMatchObject({ errCode: -501007, errMsg: expect.stringContaining('geo operators') })
  })
})
