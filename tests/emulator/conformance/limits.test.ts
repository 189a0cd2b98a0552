import { join } from 'node:path'
import { adminSdk, useEmulator } from '../../helpers/emulator'
import { MAX_BODY_BYTES } from '../../../emulator/src/http/body'

/** Oversized and hostile input gets an answer in WeChat's error shape: never a reset connection or SYS_ERR. */
const emulator = useEmulator({ databaseDir: join(__dirname, '..', '..', 'fixtures', 'database') })

test('a body over the limit is answered with INVALID_PARAM, and the connection stays usable', async () => {
  const account = await emulator().accounts.create()
  const big = JSON.stringify({ name: 'echo', data: { blob: 'x'.repeat(MAX_BODY_BYTES + 1024) } })
  const res = await fetch(`${emulator().url}/client/functions.callFunction`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-weauth-token': account.token },
    body: big,
  })
  expect(await res.json()).toMatchObject({ ok: false, errCode: -501007, errMsg: expect.stringContaining('exceeds') })
  const health = await fetch(`${emulator().url}/health`)
  expect(health.status).toBe(200)
})

test('a query nested deeper than MongoDB allows (100) is INVALID_PARAM, not SYS_ERR', async () => {
  const db: any = adminSdk(emulator()).database()
  // as the wire carries it (the SDK's own serializer overflows first on 5000 levels)
  const deep = '{"a":'.repeat(5000) + '1' + '}'.repeat(5000)
  await expect(
    emulator().admin('database.getDocument', { collectionName: 'items', query: deep }),
  ).rejects.toMatchObject({ code: 'INVALID_PARAM' })
  let doc: Record<string, unknown> = { x: 1 }
  for (let i = 0; i < 150; i++) doc = { a: doc }
  await expect(db.collection('items').add({ data: doc })).rejects.toMatchObject({ errCode: -501007 })
})

test('more than 1000 documents in one add is refused with INVALID_PARAM and writes nothing', async () => {
  // https://developers.weixin.qq.com/miniprogram/dev/wxcloud/guide/database/add.html (one add: at most 1000)
  const db: any = adminSdk(emulator()).database()
  await expect(
    db.collection('items').add({ data: Array.from({ length: 1001 }, (_, i) => ({ i })) }),
  ).rejects.toMatchObject({ errCode: -501007 })
  expect(await emulator().dump('items')).toEqual([])
})
