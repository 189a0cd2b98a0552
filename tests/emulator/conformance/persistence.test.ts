import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startEmulator, type Emulator } from '../../../emulator/src'

/** What survives on disk: failed writes are not visible, deleted data is gone from the files, a torn tail heals. */
const FIXTURE_DB = join(__dirname, '..', '..', 'fixtures', 'database')
let dataDir: string
let running: Emulator | undefined
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'weauth-persist-'))
})
afterEach(async () => {
  await running?.stop()
  running = undefined
  rmSync(dataDir, { recursive: true, force: true })
})

const itemsFile = () => join(dataDir, 'database', 'items.db')
const insert = (emulator: Emulator, doc: Record<string, unknown>) =>
  emulator.admin('database.insertDocument', { collectionName: 'items', data: [JSON.stringify(doc)] })

test('a write that cannot reach the disk fails with an error and is not visible', async () => {
  running = await startEmulator({ dataDir, databaseDir: FIXTURE_DB })
  await insert(running, { _id: 'kept', v: 1 })
  // the file system refuses every append to the collection's file (the path is now a directory: EISDIR)
  rmSync(itemsFile())
  mkdirSync(itemsFile())
  await expect(insert(running, { _id: 'lost', v: 2 })).rejects.toMatchObject({
    code: 'DATABASE_REQUEST_FAILED',
    message: expect.stringContaining('did not reach the disk'),
  })
  expect((await running.dump('items')).map((d) => d._id)).toEqual(['kept'])
  await expect(
    running.admin('database.modifyDocument', {
      collectionName: 'items',
      queryType: 'DOC',
      query: JSON.stringify({ _id: 'kept' }),
      data: JSON.stringify({ $set: { v: 99 } }),
    }),
  ).rejects.toMatchObject({ code: 'DATABASE_REQUEST_FAILED' })
  expect((await running.dump('items'))[0]).toMatchObject({ v: 1 })
})

test('a deleted document leaves nothing in the data file', async () => {
  running = await startEmulator({ dataDir, databaseDir: FIXTURE_DB })
  await insert(running, { _id: 'gone', phone: '13800001111' })
  await insert(running, { _id: 'stays', phone: '13900002222' })
  await running.admin('database.removeDocument', {
    collectionName: 'items',
    queryType: 'DOC',
    query: JSON.stringify({ _id: 'gone' }),
  })
  const file = readFileSync(itemsFile(), 'utf8')
  expect(file).not.toContain('13800001111')
  expect(file).toContain('13900002222')
})

test('a torn last line is dropped on start with a warning; the emulator starts with everything before it', async () => {
  running = await startEmulator({ dataDir, databaseDir: FIXTURE_DB })
  for (let i = 0; i < 3; i++) await insert(running, { _id: `d${i}` })
  await running.stop()
  running = undefined
  appendFileSync(itemsFile(), '{"_id":"half","v":') // the process died mid-append
  const warnings: string[] = []
  const warn = jest.spyOn(console, 'warn').mockImplementation((m) => void warnings.push(String(m)))
  try {
    running = await startEmulator({ dataDir, databaseDir: FIXTURE_DB })
  } finally {
    warn.mockRestore()
  }
  expect((await running.dump('items')).map((d) => d._id).sort()).toEqual(['d0', 'd1', 'd2'])
  expect(warnings.join('\n')).toContain('cut short')
})

describe('Open Platform accounts and the sharing list (docs/emulator/open-platform.md)', () => {
  const platformFile = () => join(dataDir, 'wechat', 'open-platform.json')

  test('survive a restart, and so do the ids derived from them', async () => {
    running = await startEmulator({ dataDir, databaseDir: FIXTURE_DB })
    // the emulator's own appid starts in weauth-open-platform; a second app joins it
    await running.openPlatform.bind('weauth-open-platform', ['wx1111111111111111'])
    running.openPlatform.share('wx2222222222222222')
    const alice = await running.accounts.create()
    await running.stop()
    running = await startEmulator({ dataDir, databaseDir: FIXTURE_DB })
    expect(running.openPlatform.accountOf('wx1111111111111111')?.id).toBe('weauth-open-platform')
    expect(running.openPlatform.sharedWith()).toEqual(['wx2222222222222222'])
    // the same person in the other app of the account: the unionid matches the one given before the restart
    const inOtherApp = await running.accounts.create({ appid: 'wx1111111111111111', sameAs: alice.openid })
    expect(inOtherApp.unionid).toBe(alice.unionid)
  })

  test('a change whose file cannot be written fails and is undone; a damaged file stops the start', async () => {
    running = await startEmulator({ dataDir, databaseDir: FIXTURE_DB })
    rmSync(platformFile())
    mkdirSync(platformFile()) // the rename onto a directory fails (EISDIR), as a refusing disk would
    expect(() => running!.openPlatform.share('wx2222222222222222')).toThrow(/did not reach the disk/)
    expect(running.openPlatform.sharedWith()).toEqual([])
    await running.stop()
    running = undefined
    rmSync(platformFile(), { recursive: true })
    appendFileSync(platformFile(), '{"key": "not hex"')
    await expect(startEmulator({ dataDir, databaseDir: FIXTURE_DB })).rejects.toThrow(/refusing to start/)
    expect(readFileSync(platformFile(), 'utf8')).toBe('{"key": "not hex"')
  })
})
