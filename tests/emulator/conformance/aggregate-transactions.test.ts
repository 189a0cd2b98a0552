import { join } from 'node:path'
import { adminSdk, useEmulator } from '../../helpers/emulator'
import { clientDb } from '../../helpers/client-db'

const emulator = useEmulator({ databaseDir: join(__dirname, '..', '..', 'fixtures', 'database') })
beforeEach(() => emulator().control('reset'))

// https://developers.weixin.qq.com/miniprogram/dev/wxcloud/reference-sdk-api/database/aggregate/Aggregate.html
describe('aggregate()', () => {
  test("group with $.sum (the quickstart's sumRecord), match, sort", async () => {
    const db: any = adminSdk(emulator()).database()
    const $ = db.command.aggregate
    for (const [who, n] of [
      ['a', 1],
      ['a', 4],
      ['b', 2],
    ] as const)
      await db.collection('items').add({ data: { who, n } })
    const { list } = await db
      .collection('items')
      .aggregate()
      .match({ n: db.command.gt(0) })
      .group({ _id: '$who', total: $.sum('$n'), count: $.sum(1) })
      .sort({ _id: 1 })
      .end()
    expect(list).toEqual([
      { _id: 'a', total: 5, count: 2 },
      { _id: 'b', total: 2, count: 1 },
    ])
  })

  test('lookup joins another collection', async () => {
    const db: any = adminSdk(emulator()).database()
    await db.collection('items').add({ data: { _id: 'i1', owner: 'u1' } })
    await db.collection('readonly').add({ data: { _id: 'u1', name: 'Ann' } })
    const { list } = await db
      .collection('items')
      .aggregate()
      .lookup({ from: 'readonly', localField: 'owner', foreignField: '_id', as: 'owners' })
      .end()
    expect(list).toEqual([{ _id: 'i1', owner: 'u1', owners: [{ _id: 'u1', name: 'Ann' }] }])
  })

  test("from the mini program, only the caller's own documents of a PRIVATE collection are aggregated", async () => {
    const admin: any = adminSdk(emulator()).database()
    await admin.collection('items').add({ data: { n: 100 } })
    const alice = await emulator().accounts.create()
    const db: any = clientDb(emulator(), alice)
    await db.collection('items').add({ data: { n: 1 } })
    const res = await db
      .collection('items')
      .aggregate()
      .group({ _id: null, total: db.command.aggregate.sum('$n') })
      .end()
    expect(res.list).toEqual([{ _id: null, total: 1 }])
  })

  test('an unknown stage or operator is refused with a clear error', async () => {
    const db: any = adminSdk(emulator()).database()
    await db.collection('items').add({ data: { n: 1 } })
    await expect(
      db
        .collection('items')
        .aggregate()
        .group({ _id: null, x: { $nope: '$n' } })
        .end(),
    ).rejects.toMatchObject({ errMsg: expect.stringContaining('$nope') })
  })
})

// https://developers.weixin.qq.com/miniprogram/dev/wxcloud/reference-sdk-api/database/Database.startTransaction.html
describe('transactions', () => {
  test('startTransaction: writes are invisible until commit, then all applied', async () => {
    const db: any = adminSdk(emulator()).database()
    const _ = db.command
    await db.collection('items').add({ data: { _id: 'aaa', amount: 100 } })
    await db.collection('items').add({ data: { _id: 'bbb', amount: 0 } })
    const tx = await db.startTransaction()
    await tx
      .collection('items')
      .doc('aaa')
      .update({ data: { amount: _.inc(-10) } })
    await tx
      .collection('items')
      .doc('bbb')
      .update({ data: { amount: _.inc(10) } })
    expect((await tx.collection('items').doc('aaa').get()).data.amount).toBe(90)
    expect((await db.collection('items').doc('aaa').get()).data.amount).toBe(100)
    await tx.commit()
    const amounts = (await emulator().dump('items')).map((d) => [d._id, d.amount]).sort()
    expect(amounts).toEqual([
      ['aaa', 90],
      ['bbb', 10],
    ])
  })

  test('rollback leaves nothing behind', async () => {
    const db: any = adminSdk(emulator()).database()
    await db.collection('items').add({ data: { _id: 'aaa', amount: 100 } })
    const tx = await db.startTransaction()
    await tx.collection('items').doc('aaa').remove()
    await tx.collection('items').add({ data: { _id: 'new', amount: 1 } })
    await tx.rollback()
    expect((await emulator().dump('items')).map((d) => d._id)).toEqual(['aaa'])
  })

  test('runTransaction commits the callback and returns its value; a rollback value is the rejection', async () => {
    const db: any = adminSdk(emulator()).database()
    await db.collection('items').add({ data: { _id: 'aaa', amount: 100 } })
    const value = await db.runTransaction(async (tx: any) => {
      await tx
        .collection('items')
        .doc('aaa')
        .set({ data: { amount: 1 } })
      return 'done'
    })
    expect(value).toBe('done')
    expect((await emulator().dump('items'))[0]).toMatchObject({ amount: 1 })
    await expect(
      db.runTransaction(async (tx: any) => {
        await tx
          .collection('items')
          .doc('aaa')
          .update({ data: { amount: 2 } })
        await tx.rollback(-100)
      }),
    ).rejects.toBe(-100)
    expect((await emulator().dump('items'))[0]).toMatchObject({ amount: 1 })
  })

  test('a document changed outside the transaction makes the commit fail, without partial writes', async () => {
    const db: any = adminSdk(emulator()).database()
    await db.collection('items').add({ data: { _id: 'aaa', amount: 100 } })
    await db.collection('items').add({ data: { _id: 'bbb', amount: 0 } })
    const tx = await db.startTransaction()
    await tx
      .collection('items')
      .doc('bbb')
      .update({ data: { amount: 1 } })
    await tx.collection('items').doc('aaa').get()
    await tx
      .collection('items')
      .doc('aaa')
      .update({ data: { amount: 50 } })
    await db
      .collection('items')
      .doc('aaa')
      .update({ data: { amount: 99 } })
    await expect(tx.commit()).rejects.toThrow(/changed during the transaction/)
    const amounts = (await emulator().dump('items')).map((d) => [d._id, d.amount]).sort()
    expect(amounts).toEqual([
      ['aaa', 99],
      ['bbb', 0],
    ])
  })

  test('only from cloud functions (the documented limit)', async () => {
    const alice = await emulator().accounts.create()
    expect(await emulator().client('database.startTransaction', alice.token, {})).toMatchObject({
      ok: false,
      errCode: -502003,
    })
  })
})
