import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startEmulator, type Emulator } from '../../emulator/src'
import { createWxRuntime, inProcessTransport } from '../../emulator/src/simulated-wx'
import { adminSdk, useEmulator } from '../helpers/emulator'
import { storedPaths, uploadAs } from '../helpers/users'

const emulator = useEmulator()

type FileResult = { fileID: string; status: number; errMsg: string; tempFileURL?: string; maxAge?: number }
type Sdk = ReturnType<typeof adminSdk>
const upload = (cloud: Sdk, cloudPath: string, fileContent: Buffer) =>
  cloud.uploadFile({ cloudPath, fileContent }) as Promise<{ fileID: string; statusCode: number }>
const tempUrls = async (cloud: Sdk, fileList: unknown[]) =>
  ((await cloud.getTempFileURL({ fileList } as never)) as { fileList: FileResult[] }).fileList
const deleteFiles = async (cloud: Sdk, fileList: string[]) =>
  ((await cloud.deleteFile({ fileList })) as { fileList: FileResult[] }).fileList
const bytesAt = async (url: string) => {
  const res = await fetch(url)
  return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()) }
}
const BYTES = Buffer.from([0, 1, 2, 250, 251, 252, 253, 254, 255, 10, 13])

describe('cloud storage, from a cloud function (the real wx-server-sdk)', () => {
  test('upload, temp URL, download, delete: the URL serves the exact bytes until the file is deleted', async () => {
    const cloud = adminSdk(emulator())
    const cloudPath = 'tests/round trip/头像.png'
    const { fileID } = await upload(cloud, cloudPath, BYTES)
    expect(fileID).toMatch(
      new RegExp(
        `^cloud://${emulator().ctx.envId}\\.[0-9a-f]{4}-${emulator().ctx.envId}-\\d{10}/tests/round trip/头像\\.png$`,
      ),
    )

    const [entry] = await tempUrls(cloud, [fileID])
    expect(entry).toEqual({
      fileID,
      status: 0,
      errMsg: 'ok',
      maxAge: 86400,
      tempFileURL: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\//),
    })
    expect(await bytesAt(entry.tempFileURL!)).toEqual({ status: 200, bytes: BYTES })
    expect(((await cloud.downloadFile({ fileID })) as { fileContent: Buffer }).fileContent).toEqual(BYTES)
    expect(await emulator().storage.list('tests/round')).toEqual([
      { cloudPath, fileID, size: BYTES.length, createdAt: expect.any(Number) },
    ])

    expect(await deleteFiles(cloud, [fileID])).toEqual([{ fileID, status: 0, errMsg: 'ok' }])
    expect(await tempUrls(cloud, [{ fileID, maxAge: 60 }])).toEqual([
      { fileID, status: -503003, errMsg: 'storage file not exists', maxAge: 60, tempFileURL: '' },
    ])
    expect((await bytesAt(entry.tempFileURL!)).status).toBe(404)
    // a second delete reports the file as missing, which deleteAccount treats as already gone
    expect(await deleteFiles(cloud, [fileID])).toEqual([{ fileID, status: -503003, errMsg: 'storage file not exists' }])
  })

  test('uploading to an existing path replaces the bytes and keeps the fileID', async () => {
    const cloud = adminSdk(emulator())
    const first = await upload(cloud, 'tests/replace.txt', Buffer.from('one'))
    const second = await upload(cloud, 'tests/replace.txt', Buffer.from('two!'))
    expect(second.fileID).toBe(first.fileID)
    const [entry] = await tempUrls(cloud, [first.fileID])
    expect((await bytesAt(entry.tempFileURL!)).bytes.toString()).toBe('two!')
    expect(await emulator().storage.list('tests/replace')).toMatchObject([{ size: 4 }])
  })

  test('an invalid cloud path is refused before anything is stored', async () => {
    const cloud = adminSdk(emulator())
    // node-sdk 3.17.2 throws TCB errors as Errors, which wx-server-sdk 4.0.2 reports as errCode -1
    await expect(upload(cloud, '/leading-slash.png', BYTES)).rejects.toMatchObject({
      errCode: -1,
      errMsg: expect.stringContaining("must not start with '/'"),
    })
    const getUploadMetadata = (params: Record<string, unknown>) => emulator().admin('storage.getUploadMetadata', params)
    await expect(getUploadMetadata({ path: 'a//b.png' })).rejects.toMatchObject({
      code: 'INVALID_PARAM',
      message: expect.stringContaining("'//'"),
    })
    expect(await storedPaths(emulator(), '')).not.toContain('/leading-slash.png')
  })

  test('the upload URL only takes the PUT it was issued for', async () => {
    const { data } = (await emulator().admin('storage.getUploadMetadata', { path: 'tests/ticket.bin' })) as {
      data: { url: string; authorization: string }
    }
    const unsigned = await fetch(data.url, { method: 'PUT', body: BYTES })
    expect(unsigned.status).toBe(403)
    expect(await unsigned.text()).toContain('<Code>AccessDenied</Code>')
    const otherPath = await fetch(data.url.replace('ticket.bin', 'other.bin'), {
      method: 'PUT',
      body: BYTES,
      headers: { authorization: data.authorization },
    })
    expect(otherPath.status).toBe(403)
    expect(await storedPaths(emulator(), 'tests/')).not.toEqual(
      expect.arrayContaining(['tests/ticket.bin', 'tests/other.bin']),
    )
    const signed = await fetch(data.url, { method: 'PUT', body: BYTES, headers: { authorization: data.authorization } })
    expect(signed.status).toBe(200)
    expect(await storedPaths(emulator(), 'tests/ticket')).toEqual(['tests/ticket.bin'])
  })

  test('malformed requests are parameter errors and delete nothing', async () => {
    const cloud = adminSdk(emulator())
    const { fileID } = await upload(cloud, 'tests/keep.txt', BYTES)
    const batchDelete = (params: Record<string, unknown>) => emulator().admin('storage.batchDeleteFile', params)
    await expect(batchDelete({ fileid_list: [fileID, 42] })).rejects.toMatchObject({
      code: 'INVALID_PARAM',
    })
    await expect(batchDelete({ fileid_list: Array(51).fill(fileID) })).rejects.toMatchObject({
      message: expect.stringContaining('at most 50'),
    })
    await expect(batchDelete({ fileid_list: [] })).rejects.toMatchObject({ code: 'INVALID_PARAM' })
    const batchUrls = (params: Record<string, unknown>) => emulator().admin('storage.batchGetDownloadUrl', params)
    await expect(batchUrls({ file_list: [{ fileid: fileID, max_age: -5 }] })).rejects.toMatchObject({
      message: expect.stringContaining('max_age'),
    })
    expect(await storedPaths(emulator(), 'tests/keep')).toEqual(['tests/keep.txt'])
  })

  test('a fileID of another environment names no file here', async () => {
    const cloud = adminSdk(emulator())
    const foreign = 'cloud://other-env-1a2b.6f74-other-env-1a2b-1300000001/tests/keep.txt'
    expect(await tempUrls(cloud, [foreign])).toEqual([expect.objectContaining({ fileID: foreign, status: -503003 })])
  })

  test('injected storage faults reach the SDK caller as wx-server-sdk reports them (errCode -1, the TCB code in err.code)', async () => {
    const cloud = adminSdk(emulator())
    const { fileID } = await upload(cloud, 'tests/fault.txt', BYTES)
    emulator().faults.add({
      service: 'storage',
      action: 'storage.batchDeleteFile',
      error: { code: 'STORAGE_REQUEST_FAIL', message: 'injected' },
      times: 1,
    })
    await expect(cloud.deleteFile({ fileList: [fileID] })).rejects.toMatchObject({
      errCode: -1,
      code: 'STORAGE_REQUEST_FAIL',
      errMsg: 'deleteFile:fail injected',
    })
    expect(await storedPaths(emulator(), 'tests/fault')).toEqual(['tests/fault.txt'])
    expect(await deleteFiles(cloud, [fileID])).toEqual([{ fileID, status: 0, errMsg: 'ok' }])

    // a failing COS PUT comes back as COS's XML error, which node-sdk reports as STORAGE_REQUEST_FAIL
    emulator().faults.add({
      service: 'storage',
      action: 'cos.putObject',
      error: { code: 'STORAGE_REQUEST_FAIL', message: 'disk full' },
      times: 1,
    })
    await expect(upload(cloud, 'tests/put-fault.txt', BYTES)).rejects.toMatchObject({
      errCode: -1,
      code: 'STORAGE_REQUEST_FAIL',
      errMsg: expect.stringContaining('[InternalError]'),
    })
    expect(await storedPaths(emulator(), 'tests/put-fault')).toEqual([])
  })
})

describe('cloud storage, from the mini program (default rule: all users read, only the creator writes)', () => {
  test('wx.cloud.uploadFile, getTempFileURL and deleteFile through the simulated client', async () => {
    const account = await emulator().accounts.create()
    const rt = createWxRuntime({ transport: inProcessTransport(emulator(), account.token) })
    rt.wx.cloud.init({})
    rt.state.tempFiles.set('wxfile://tmp/avatar.png', new Uint8Array(BYTES))
    const { fileID } = (await rt.wx.cloud.uploadFile({
      cloudPath: `users/${account.openid}/avatar.png`,
      filePath: 'wxfile://tmp/avatar.png',
    })) as { fileID: string }
    expect(await emulator().storage.list(`users/${account.openid}/`)).toEqual([
      expect.objectContaining({ fileID, uploadedBy: account.openid, size: BYTES.length }),
    ])

    const { fileList } = (await rt.wx.cloud.getTempFileURL({ fileList: [fileID] })) as { fileList: FileResult[] }
    expect(fileList).toEqual([{ fileID, status: 0, errMsg: 'ok', maxAge: 86400, tempFileURL: expect.any(String) }])
    expect((await bytesAt(fileList[0].tempFileURL!)).bytes).toEqual(BYTES)
    expect(((await rt.wx.cloud.deleteFile({ fileList: [fileID] })) as { fileList: FileResult[] }).fileList).toEqual([
      { fileID, status: 0, errMsg: 'ok' },
    ])
    expect(await storedPaths(emulator(), `users/${account.openid}/`)).toEqual([])
  })

  test("a user may read but not delete or overwrite another user's file", async () => {
    const [alice, bob] = await Promise.all([emulator().accounts.create(), emulator().accounts.create()])
    const cloudPath = `users/${alice.openid}/photo.png`
    const fileID = await uploadAs(emulator(), alice, cloudPath)

    expect(
      await emulator().client('storage.batchGetDownloadUrl', bob.token, { file_list: [{ fileid: fileID }] }),
    ).toMatchObject({ ok: true, fileList: [{ fileID, status: 0 }] })
    expect(await emulator().client('storage.batchDeleteFile', bob.token, { fileid_list: [fileID] })).toEqual({
      ok: true,
      fileList: [{ fileID, status: -503002, errMsg: 'storage permission denied' }],
    })
    expect(
      await emulator().client('storage.clientUpload', bob.token, {
        cloudPath,
        fileContent: Buffer.from('evil').toString('base64'),
      }),
    ).toMatchObject({ ok: false, errCode: -503002 })
    expect(await emulator().storage.list(cloudPath)).toEqual([
      expect.objectContaining({ uploadedBy: alice.openid, size: 'avatar-bytes'.length }),
    ])

    // files a cloud function uploaded have no creator among users: read-only to every client
    const { fileID: adminFile } = await upload(adminSdk(emulator()), 'tests/admin-owned.txt', BYTES)
    expect(await emulator().client('storage.batchDeleteFile', alice.token, { fileid_list: [adminFile] })).toMatchObject(
      { fileList: [{ status: -503002 }] },
    )

    expect(await emulator().client('storage.batchDeleteFile', alice.token, { fileid_list: [fileID] })).toMatchObject({
      ok: true,
      fileList: [{ fileID, status: 0 }],
    })
  })

  test.each([
    ['empty', '', 'non-empty'],
    ['with a leading slash', '/avatar.png', "start with '/'"],
    ['with //', 'users//avatar.png', "'//'"],
    ['with ..', 'users/../avatar.png', "'..'"],
    ['naming a folder', 'users/', 'folder'],
    ['with a control character', 'users/a\u0018b.png', 'control characters'],
    ['of 851 bytes', 'users/' + 'x'.repeat(845), '850 bytes'],
    ['that is not a string', 42, 'non-empty string'],
  ])('a cloudPath %s is refused and nothing is stored', async (_label, cloudPath, message) => {
    const account = await emulator().accounts.create()
    const reply = await emulator().client('storage.clientUpload', account.token, {
      cloudPath,
      fileContent: BYTES.toString('base64'),
    })
    expect(reply).toEqual({
      ok: false,
      errCode: -501007,
      errMsg: expect.stringContaining(message),
      code: 'INVALID_PARAM',
    })
    expect((await emulator().storage.list()).filter((f) => f.uploadedBy === account.openid)).toEqual([])
  })

  test('a cloudPath of exactly 850 bytes, with Chinese and spaces, is accepted', async () => {
    const account = await emulator().accounts.create()
    const cloudPath = `users/头像 ${'x'.repeat(850 - 6 - Buffer.byteLength('头像 '))}`
    expect(Buffer.byteLength(cloudPath)).toBe(850)
    expect(
      await emulator().client('storage.clientUpload', account.token, {
        cloudPath,
        fileContent: BYTES.toString('base64'),
      }),
    ).toMatchObject({ ok: true })
  })

  test('the file content must be valid base64 within the size limit', async () => {
    const account = await emulator().accounts.create()
    const send = (fileContent: unknown) =>
      emulator().client('storage.clientUpload', account.token, {
        cloudPath: `users/${account.openid}/f.bin`,
        fileContent,
      })
    expect(await send('not base64!')).toMatchObject({
      ok: false,
      errCode: -501007,
      errMsg: expect.stringContaining('base64'),
    })
    expect(await send(Buffer.alloc(7 * 1024 * 1024 + 1).toString('base64'))).toMatchObject({
      ok: false,
      errMsg: expect.stringContaining('larger than'),
    })
    expect(await send(undefined)).toMatchObject({ ok: false, errCode: -501007 })
    expect(await storedPaths(emulator(), `users/${account.openid}/`)).toEqual([])
    expect(await send(Buffer.alloc(7 * 1024 * 1024).toString('base64'))).toMatchObject({ ok: true })
  })
})

describe('cloud storage persistence', () => {
  let dataDir: string
  let running: Emulator | undefined
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'weauth-storage-'))
  })
  afterAll(async () => {
    await running?.stop()
    rmSync(dataDir, { recursive: true, force: true })
  })

  test('files, their owners and their bytes survive a restart with the same data folder; reset removes them', async () => {
    running = await startEmulator({ dataDir })
    const account = await running.accounts.create()
    const clientFile = await uploadAs(running, account, `users/${account.openid}/kept.png`, BYTES)
    const { fileID } = await upload(adminSdk(running), 'tests/kept.bin', BYTES)
    await running.stop()

    running = await startEmulator({ dataDir })
    expect(await running.storage.list()).toEqual([
      { cloudPath: 'tests/kept.bin', fileID, size: BYTES.length, createdAt: expect.any(Number) },
      {
        cloudPath: `users/${account.openid}/kept.png`,
        fileID: clientFile,
        size: BYTES.length,
        uploadedBy: account.openid,
        createdAt: expect.any(Number),
      },
    ])
    const [entry] = await tempUrls(adminSdk(running), [clientFile])
    expect(await bytesAt(entry.tempFileURL!)).toEqual({ status: 200, bytes: BYTES })

    await running.control('reset')
    expect(await running.storage.list()).toEqual([])
    expect((await bytesAt(entry.tempFileURL!)).status).toBe(404)
  })
})
