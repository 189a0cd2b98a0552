import { join } from 'node:path'
import { adminSdk, useEmulator } from '../../helpers/emulator'

/**
 * Conformance: behaviours Tencent's own @cloudbase/node-sdk tests assert (github.com/TencentCloudBase/node-sdk,
 * test/), and WeChat's pages, through the unmodified wx-server-sdk (which runs on that node-sdk).
 */
const emulator = useEmulator({ databaseDir: join(__dirname, '..', '..', 'fixtures', 'database') })
beforeEach(() => emulator().control('reset'))

const errorOf = (e: any) => ({ errCode: e.errCode, errMsg: String(e.errMsg) })

describe('Document.set (https://developers.weixin.qq.com/miniprogram/dev/wxcloud/reference-sdk-api/database/document/Document.set.html)', () => {
  // node-sdk test/database/unit/document.test.ts: "set data in empty document" → upsertedId (wx-server-sdk: _id and
  // stats.created 1); "set data in document existed" → updated === 1
  test('a new id is created (created 1, updated 0), an existing one replaced (updated 1)', async () => {
    const db: any = adminSdk(emulator()).database()
    const doc = db.collection('items').doc('123123123')
    expect(await doc.set({ data: { name: 'jude' } })).toMatchObject({
      _id: '123123123',
      stats: { created: 1, updated: 0 },
    })
    expect(await doc.set({ data: { data: { type: 'set' } } })).toMatchObject({ stats: { created: 0, updated: 1 } })
    expect((await doc.get()).data).toEqual({ _id: '123123123', data: { type: 'set' } })
  })

  // MongoDB's replace answers nModified 0 for identical content, and the pages do not say otherwise
  test('set() with identical data matches but changes nothing: updated 0, created 0', async () => {
    const db: any = adminSdk(emulator()).database()
    const doc = db.collection('items').doc('same')
    await doc.set({ data: { a: 1, b: [1, 2] } })
    expect(await doc.set({ data: { a: 1, b: [1, 2] } })).toMatchObject({
      _id: 'same',
      stats: { created: 0, updated: 0 },
    })
    expect(await emulator().dump('items')).toHaveLength(1)
  })
})

describe('field names (https://developers.weixin.qq.com/miniprogram/dev/wxcloud/guide/database/data-type.html)', () => {
  // MongoDB's rules, which the service applies: stored field names cannot contain "." or begin with "$"
  test('add with a dotted or $-led field name is refused with INVALID_PARAM, nothing is stored', async () => {
    const db: any = adminSdk(emulator()).database()
    for (const data of [{ 'a.b': 1 }, { $x: 1 }, { nested: { 'c.d': 1 } }]) {
      const err = await db.collection('items').add({ data }).catch(errorOf)
      expect(err).toMatchObject({ errCode: -501007, errMsg: expect.stringMatching(/Field names cannot/) })
    }
    expect(await emulator().dump('items')).toEqual([])
  })

  test('update with a dotted name sets the nested field (dot notation), as the update page shows', async () => {
    const db: any = adminSdk(emulator()).database()
    await db
      .collection('items')
      .doc('n')
      .set({ data: { style: { color: 'red', size: 1 } } })
    await db
      .collection('items')
      .doc('n')
      .update({ data: { 'style.color': 'blue' } })
    expect((await db.collection('items').doc('n').get()).data.style).toEqual({ color: 'blue', size: 1 })
  })
})

describe('ObjectId-shaped _ids (node-sdk test/database/unit/oid.test.ts)', () => {
  // node-sdk's test adds { _id: db.ObjectId({ id }) } and expects addRes.id === id, and reads ObjectId fields back as
  // the hex string; wx-server-sdk 4.0.2 exposes no db.ObjectId, so its callers send the 24-hex string itself
  test('a 24-hex _id is kept as given, found by doc() and where(), and read back as a string', async () => {
    const db: any = adminSdk(emulator()).database()
    const id = '5f3a1b2c3d4e5f6a7b8c9d0e'
    const ref = '6a7b8c9d0e5f3a1b2c3d4e5f'
    expect(db.ObjectId).toBeUndefined()
    const res = await db.collection('items').add({ data: { _id: id, a: ref } })
    expect(res._id).toBe(id)
    expect((await db.collection('items').doc(id).get()).data).toEqual({ _id: id, a: ref })
    const { data } = await db.collection('items').where({ a: ref }).get()
    expect(data.map((d: any) => d._id)).toEqual([id])
    // generated ids are 32 hex characters, like the service's
    const { _id: generated } = await db.collection('items').add({ data: {} })
    expect(generated).toMatch(/^[0-9a-f]{32}$/)
  })
})

describe('malformed fileIDs (node-sdk test/storage/downloadFile.test.ts: "无效连接下载" → STORAGE_FILE_NONEXIST)', () => {
  test('downloadFile of a string that is no fileID fails as a missing file', async () => {
    const cloud: any = adminSdk(emulator())
    const err = await cloud.downloadFile({ fileID: 'unexistFileID' }).catch((e: any) => e)
    // node-sdk's assertion: e.code === ERROR.STORAGE_FILE_NONEXIST.code (wx-server-sdk adds errCode -1)
    expect(err).toMatchObject({ code: 'STORAGE_FILE_NONEXIST', errCode: -1 })
  })

  test('getTempFileURL answers per file: status -503003 for a malformed one, the good one still resolves', async () => {
    const cloud: any = adminSdk(emulator())
    const { fileID } = await cloud.uploadFile({ cloudPath: 'tests/ok.txt', fileContent: Buffer.from('ok') })
    const { fileList } = await cloud.getTempFileURL({ fileList: ['unexistFileID', fileID] })
    expect(fileList).toEqual([
      expect.objectContaining({ fileID: 'unexistFileID', status: -503003, errMsg: 'storage file not exists' }),
      expect.objectContaining({ fileID, status: 0, tempFileURL: expect.stringContaining('/storage/download/') }),
    ])
  })

  test('deleteFile of a malformed fileID is per file too, and deletes nothing else', async () => {
    const cloud: any = adminSdk(emulator())
    const { fileList } = await cloud.deleteFile({ fileList: ['cloud://nope'] })
    expect(fileList).toEqual([expect.objectContaining({ fileID: 'cloud://nope', status: -503003 })])
  })
})
