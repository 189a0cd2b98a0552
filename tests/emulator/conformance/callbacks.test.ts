import { join } from 'node:path'
import { adminSdk, useEmulator } from '../../helpers/emulator'
import { clientDb } from '../../helpers/client-db'

/**
 * Conformance: wx.cloud.database() in the callback style of the 2019 DevTools quickstart, and the client never
 * borrowing a cloud function's credentials.
 * https://developers.weixin.qq.com/miniprogram/dev/wxcloud/reference-sdk-api/database/collection/Collection.get.html
 */
const emulator = useEmulator({ databaseDir: join(__dirname, '..', '..', 'fixtures', 'database') })
beforeEach(() => emulator().control('reset'))

const settle = (
  run: (cb: { success: (r: any) => void; fail: (e: any) => void; complete: (r: any) => void }) => unknown,
) =>
  new Promise<{ via: 'success' | 'fail'; value: any; completed: any; returned: unknown }>((resolve) => {
    let outcome: { via: 'success' | 'fail'; value: any } | undefined
    const returned: unknown = run({
      success: (value) => (outcome = { via: 'success', value }),
      fail: (value) => (outcome = { via: 'fail', value }),
      complete: (completed) => setTimeout(() => resolve({ ...outcome!, completed, returned })),
    })
  })

test('add, get, count, doc().get, update and remove call success and complete, and return nothing', async () => {
  const account = await emulator().accounts.create()
  const db = clientDb(emulator(), account) as any
  const added = await settle((cb) => db.collection('items').add({ data: { n: 1 }, ...cb }))
  expect(added).toMatchObject({ via: 'success', value: { _id: expect.any(String), errMsg: 'collection.add:ok' } })
  expect(added.returned).toBeUndefined()
  expect(added.completed).toBe(added.value)
  const id = added.value._id
  expect(await settle((cb) => db.collection('items').where({ n: 1 }).get(cb))).toMatchObject({
    via: 'success',
    value: { data: [{ _id: id, n: 1 }], errMsg: 'collection.get:ok' },
  })
  expect(await settle((cb) => db.collection('items').count(cb))).toMatchObject({ value: { total: 1 } })
  expect(await settle((cb) => db.collection('items').doc(id).get(cb))).toMatchObject({ value: { data: { n: 1 } } })
  expect(
    await settle((cb) =>
      db
        .collection('items')
        .doc(id)
        .update({ data: { n: 2 }, ...cb }),
    ),
  ).toMatchObject({
    value: { stats: { updated: 1 }, errMsg: 'document.update:ok' },
  })
  expect(await settle((cb) => db.collection('items').doc(id).remove(cb))).toMatchObject({
    value: { stats: { removed: 1 } },
  })
})

test('a failure reaches fail and complete, and is never an unhandled rejection', async () => {
  const unhandled: unknown[] = []
  const onUnhandled = (reason: unknown) => unhandled.push(reason)
  process.on('unhandledRejection', onUnhandled)
  try {
    const account = await emulator().accounts.create()
    const db = clientDb(emulator(), account) as any
    const missing = await settle((cb) => db.collection('items').doc('nope').get(cb))
    expect(missing).toMatchObject({ via: 'fail', value: { errMsg: expect.stringContaining('document.get:fail') } })
    expect(missing.completed).toBe(missing.value)
    const denied = await settle((cb) => db.collection('adminonly').add({ data: { x: 1 }, ...cb }))
    expect(denied).toMatchObject({ via: 'fail', value: { errCode: -502003 } })
    const badUpdate = await settle((cb) =>
      db
        .collection('items')
        .doc('nope')
        .update({ data: { _id: 'x' }, ...cb }),
    )
    expect(badUpdate.via).toBe('fail')
    await new Promise((r) => setTimeout(r, 50))
    expect(unhandled).toEqual([])
  } finally {
    process.off('unhandledRejection', onUnhandled)
  }
})

test("the mini program never acts as admin after wx-server-sdk's database was used in the same process", async () => {
  const admin: any = adminSdk(emulator()).database()
  const alice = await emulator().accounts.create()
  const bob = await emulator().accounts.create()
  await clientDb(emulator(), alice)
    .collection('items')
    .add({ data: { secret: 'alice' } })
  await admin.collection('items').add({ data: { secret: 'admin' } }) // the SDK's requester is now loaded
  const seen = await (clientDb(emulator(), bob) as any).collection('items').get()
  expect(seen.data).toEqual([])
  await expect((clientDb(emulator(), bob) as any).collection('adminonly').get()).rejects.toMatchObject({
    errCode: -502003,
  })
  // and the admin side keeps working
  expect((await admin.collection('items').count()).total).toBe(2)
})
