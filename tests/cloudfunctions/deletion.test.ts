import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startEmulator, type Emulator } from '../../emulator/src'
import { callFunction, documents, useEmulator } from '../helpers/emulator'
import { CONSENT, loggedInUser, storedPaths, uploadAs, userRecord } from '../helpers/users'
import { recordFigures } from '../helpers/figures'

const emulator = useEmulator({ maxInstancesPerFunction: 8 })
const TRIALS = 30

/** What the app does when a save fails after its upload: it deletes the uploaded file itself (wx.cloud.deleteFile). */
async function clientDeletes(e: Emulator, account: { token: string }, fileID: string) {
  const reply = await e.client('storage.batchDeleteFile', account.token, { fileid_list: [fileID] })
  expect(reply).toMatchObject({ ok: true })
}

async function leftovers(e: Emulator, openid: string, userId: string) {
  const records = (await documents(e, 'users')).filter((u) => u._openid === openid || u._id === userId)
  const files = await storedPaths(e, `users/${userId}/`)
  return {
    oldRecords: records.filter((r) => r._id === userId).length,
    withPersonalData: records.filter((r) => r.phoneNumber || r.nickName || r.avatarFileId).length,
    files: files.length,
    records,
  }
}

describe(`deletion racing the other functions (${TRIALS} trials each)`, () => {
  test('updateProfile (with a fresh avatar upload) vs deleteAccount: no record, no file, no ok left behind', async () => {
    let oks = 0
    let refused = 0
    for (let i = 0; i < TRIALS; i++) {
      const { wechat, userId } = await loggedInUser(emulator())
      const avatar = await uploadAs(emulator(), wechat, `users/${userId}/avatar-${i}.png`)
      const [save, del] = await Promise.all([
        callFunction(emulator(), wechat, 'updateProfile', { nickName: '抢跑', avatarFileId: avatar }),
        callFunction(emulator(), wechat, 'deleteAccount', { confirm: true }),
      ])
      if (!save.ok) await clientDeletes(emulator(), wechat, avatar)
      if (save.ok) oks++
      else refused++
      expect(del).toMatchObject({ ok: true })
      const left = await leftovers(emulator(), wechat.openid, userId)
      expect([left.oldRecords, left.withPersonalData, left.files]).toEqual([0, 0, 0])
    }
    recordFigures('race-delete-vs-updateProfile', {
      guarantee:
        'updateProfile racing deleteAccount leaves no record, no file, and no ok for a write that did not last',
      test: 'tests/cloudfunctions/deletion.test.ts',
      trials: TRIALS,
      savesBeforeDeletion: oks,
      savesRefused: refused,
      leftovers: 0,
    })
  })

  test('bindPhone vs deleteAccount: no number left behind', async () => {
    for (let i = 0; i < TRIALS; i++) {
      const { wechat, userId } = await loggedInUser(emulator(), { phoneNumber: '13600001111' })
      const code = emulator().fixtures.issuePhoneCode(wechat.openid, { phoneNumber: '13600001111', countryCode: '86' })
      const [, del] = await Promise.all([
        callFunction(emulator(), wechat, 'bindPhone', { code }),
        callFunction(emulator(), wechat, 'deleteAccount', { confirm: true }),
      ])
      expect(del).toMatchObject({ ok: true })
      const left = await leftovers(emulator(), wechat.openid, userId)
      expect([left.oldRecords, left.withPersonalData, left.files]).toEqual([0, 0, 0])
    }
    recordFigures('race-delete-vs-bindPhone', {
      guarantee: 'bindPhone racing deleteAccount leaves no record and no number',
      test: 'tests/cloudfunctions/deletion.test.ts',
      trials: TRIALS,
      leftovers: 0,
    })
  })

  test('login vs deleteAccount: the deleted record never comes back; a login after it is a fresh, empty account', async () => {
    let fresh = 0
    for (let i = 0; i < TRIALS; i++) {
      const { wechat, userId } = await loggedInUser(emulator(), { phoneNumber: '13600002222' })
      const code = emulator().fixtures.issuePhoneCode(wechat.openid, { phoneNumber: '13600002222', countryCode: '86' })
      expect(await callFunction(emulator(), wechat, 'bindPhone', { code })).toMatchObject({ ok: true })
      const [login, del] = await Promise.all([
        callFunction(emulator(), wechat, 'login', {}),
        callFunction(emulator(), wechat, 'deleteAccount', { confirm: true }),
      ])
      expect(del).toMatchObject({ ok: true })
      const left = await leftovers(emulator(), wechat.openid, userId)
      expect([left.oldRecords, left.withPersonalData, left.files]).toEqual([0, 0, 0])
      if (left.records.length) {
        // the login ran after the deletion: a new registration, never the old account
        expect(login).toMatchObject({ ok: true, isNew: true })
        fresh++
      }
    }
    recordFigures('race-delete-vs-login', {
      guarantee: 'login racing deleteAccount never brings the deleted record or its data back',
      test: 'tests/cloudfunctions/deletion.test.ts',
      trials: TRIALS,
      freshAccountsAfterDeletion: fresh,
      leftovers: 0,
    })
  })
})

describe(`phoneLogin racing deleteAccount (${TRIALS} trials)`, () => {
  test('no record, no identity, no number left behind; a phone login after the deletion is a fresh account', async () => {
    let fresh = 0
    let before = 0
    let refused = 0
    for (let i = 0; i < TRIALS; i++) {
      const { wechat, userId } = await loggedInUser(emulator(), { phoneNumber: '13600003333' })
      const avatar = await uploadAs(emulator(), wechat, `users/${userId}/avatar-${i}.png`)
      expect(await callFunction(emulator(), wechat, 'updateProfile', { avatarFileId: avatar })).toMatchObject({
        ok: true,
      })
      const code = emulator().fixtures.issuePhoneCode(wechat.openid, { phoneNumber: '13600003333', countryCode: '86' })
      const [login, del] = await Promise.all([
        callFunction(emulator(), wechat, 'phoneLogin', { code, ...CONSENT }),
        callFunction(emulator(), wechat, 'deleteAccount', { confirm: true }),
      ])
      expect(del).toMatchObject({ ok: true })
      const left = await leftovers(emulator(), wechat.openid, userId)
      expect([left.oldRecords, left.files]).toEqual([0, 0])
      const identities = (await documents(emulator(), 'identities')).filter((d) => d.userId === userId)
      expect(identities).toEqual([])
      if (left.records.length) {
        // the phone login ran after the deletion: a new account (with the number just given), never the old one
        expect(login).toMatchObject({ ok: true, isNew: true })
        expect(left.records).toHaveLength(1)
        fresh++
      } else if (login.ok) {
        // it signed in to the old account before the deletion, which then removed all of it (number included)
        expect(login).toMatchObject({ isNew: false, user: { id: userId } })
        before++
      } else {
        refused++
      }
    }
    recordFigures('race-delete-vs-phoneLogin', {
      guarantee: 'phoneLogin racing deleteAccount never brings the deleted record, its identities or its files back',
      test: 'tests/cloudfunctions/deletion.test.ts',
      trials: TRIALS,
      freshAccountsAfterDeletion: fresh,
      signedInBeforeDeletion: before,
      phoneLoginsRefused: refused,
      leftovers: 0,
    })
  })
})

/** Every file under a folder, as bytes. */
function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name)
    return statSync(full).isDirectory() ? allFiles(full) : [full]
  })
}

describe('deletion on a persisted emulator', () => {
  test("after deleteAccount a byte search of the data folder finds neither the phone number nor the openid (the simulated WeChat's own account store aside)", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'weauth-deletion-'))
    const e = await startEmulator({ dataDir })
    try {
      const { wechat, userId } = await loggedInUser(e, { phoneNumber: '13755554444' })
      const avatar = await uploadAs(e, wechat, `users/${userId}/avatar.png`)
      expect(await callFunction(e, wechat, 'updateProfile', { nickName: '留痕', avatarFileId: avatar })).toMatchObject({
        ok: true,
      })
      const code = e.fixtures.issuePhoneCode(wechat.openid, { phoneNumber: '13755554444', countryCode: '86' })
      expect(await callFunction(e, wechat, 'bindPhone', { code })).toMatchObject({ ok: true })
      expect(await callFunction(e, wechat, 'deleteAccount', { confirm: true })).toMatchObject({ ok: true })
      await e.stop()
      // WeChat's own side (the simulated WeChat account: its openid and phone) is not our data
      const ours = allFiles(dataDir).filter((f) => !f.startsWith(join(dataDir, 'wechat')))
      const hits = ours.filter((f) => {
        const bytes = readFileSync(f)
        return (
          bytes.includes(Buffer.from('13755554444')) ||
          bytes.includes(Buffer.from(wechat.openid)) ||
          bytes.includes(Buffer.from('留痕'))
        )
      })
      expect(hits).toEqual([])
      recordFigures('deletion-byte-search-emulator', {
        guarantee: 'after deletion no data file of the emulator holds the phone number, the openid or the nickname',
        test: 'tests/cloudfunctions/deletion.test.ts',
        filesSearched: ours.length,
        hits: hits.length,
      })
      // and a restart does not bring the account back
      const again = await startEmulator({ dataDir })
      try {
        expect((await again.dump('users')).some((u) => u._id === userId)).toBe(false)
      } finally {
        await again.stop()
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  })

  test('phone login then deletion with the consent helper: nothing stays either', async () => {
    const account = await emulator().accounts.create()
    const code = emulator().fixtures.issuePhoneCode(account.openid, { phoneNumber: '13755553333', countryCode: '86' })
    const login = await callFunction(emulator(), account, 'phoneLogin', { code, ...CONSENT })
    expect(login).toMatchObject({ ok: true })
    expect(await callFunction(emulator(), account, 'deleteAccount', { confirm: true })).toMatchObject({ ok: true })
    expect(await userRecord(emulator(), account.openid)).toBeUndefined()
  })
})
