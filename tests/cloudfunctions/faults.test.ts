import type { FaultRule } from '../../emulator/src'
import { callFunction, documents, useEmulator } from '../helpers/emulator'
import { recordFigures } from '../helpers/figures'
import { loggedInUser, uploadAs, userRecord } from '../helpers/users'

/**
 * Every cloud function under every fault the emulator can inject at each step it takes: the caller gets a
 * WeChat-shaped failure in the common reply shape, the user record is either exactly as before or exactly
 * as intended (never half-written), and calling again converges.
 */
const emulator = useEmulator()

const DB_FAULT = (action: string): FaultRule => ({
  service: 'database',
  action,
  error: { code: 'DATABASE_REQUEST_FAILED', message: 'injected' },
  times: 1,
})
const OPENAPI_FAULT = (action: string): FaultRule => ({
  service: 'openapi',
  action,
  wxErrcode: { errcode: -1, errmsg: 'system error' },
  times: 1,
})
const STORAGE_FAULT = (action: string): FaultRule => ({
  service: 'storage',
  action,
  error: { code: 'STORAGE_REQUEST_FAIL', message: 'injected' },
  times: 1,
})

/** The fields that say what state a user is in (timestamps of the login aside). */
const state = (r: Record<string, any> | undefined) =>
  r && {
    loginCount: r.loginCount,
    nickName: r.nickName,
    avatarFileId: r.avatarFileId,
    phoneNumber: r.phoneNumber,
    status: r.status,
  }

let cases = 0
let faultsReached = 0
let recordsChecked = 0

/** The injected fault was hit (a rule with `times: 1` is dropped once used), so the case tested something. */
function expectFaultReached() {
  expect(emulator().faults.list()).toHaveLength(0)
  faultsReached++
}

async function expectConsistent(openid: string, allowed: Array<ReturnType<typeof state> | undefined>) {
  const all = (await documents(emulator(), 'users')).filter((u) => u._openid === openid)
  expect(all.length).toBeLessThanOrEqual(1)
  recordsChecked += all.length
  expect(allowed).toContainEqual(state(all[0]))
}

describe('login', () => {
  test.each(['database.getDocument', 'database.insertDocument'])(
    'first login with a fault on %s: no record, then a retry creates exactly one',
    async (action) => {
      const wechat = await emulator().accounts.create()
      emulator().faults.add(DB_FAULT(action))
      const result = await callFunction(emulator(), wechat, 'login', { consentVersion: '2026-11' })
      expect(result).toEqual({ ok: false, code: 'UPSTREAM', message: expect.any(String) })
      expectFaultReached()
      await expectConsistent(wechat.openid, [undefined])
      expect(await callFunction(emulator(), wechat, 'login', { consentVersion: '2026-11' })).toMatchObject({
        ok: true,
        user: { loginCount: 1 },
      })
      expect((await userRecord(emulator(), wechat.openid)).loginCount).toBe(1)
      cases++
    },
  )

  test.each(['database.getDocument', 'database.modifyDocument'])(
    'returning login with a fault on %s: the count is unchanged, then exact',
    async (action) => {
      const { wechat } = await loggedInUser(emulator())
      const before = state(await userRecord(emulator(), wechat.openid))
      emulator().faults.add(DB_FAULT(action))
      expect(await callFunction(emulator(), wechat, 'login', {})).toMatchObject({ ok: false, code: 'UPSTREAM' })
      expectFaultReached()
      await expectConsistent(wechat.openid, [before])
      expect(await callFunction(emulator(), wechat, 'login', {})).toMatchObject({ ok: true, user: { loginCount: 2 } })
      cases++
    },
  )

  test('a write slower than the function limit: the caller sees a timeout, the record stays whole', async () => {
    const { wechat } = await loggedInUser(emulator())
    const before = state(await userRecord(emulator(), wechat.openid))
    // login's limit is 5 s (config.json: the first login also runs the registration risk check); the update lands after the instance was stopped
    emulator().faults.add({ service: 'database', action: 'database.modifyDocument', latencyMs: 5500, times: 1 })
    const reply = await emulator().client('functions.callFunction', wechat.token, { name: 'login', data: {} })
    expect(reply).toMatchObject({ ok: false, errCode: -504003 })
    expectFaultReached()
    await new Promise((r) => setTimeout(r, 800))
    // either the write never happened or it happened whole: one record, count 1 or 2, nothing else changed
    await expectConsistent(wechat.openid, [before, { ...before!, loginCount: 2 }])
    cases++
  }, 20_000)
})

describe('updateProfile', () => {
  test.each([
    ['database.getDocument', DB_FAULT('database.getDocument')],
    ['database.modifyDocument', DB_FAULT('database.modifyDocument')],
    ['security.msgSecCheck', OPENAPI_FAULT('security.msgSecCheck')],
  ])('a fault on %s leaves the profile as it was; a retry saves it', async (_name, fault) => {
    const { wechat, userId } = await loggedInUser(emulator())
    const before = state(await userRecord(emulator(), wechat.openid))
    const avatar = await uploadAs(emulator(), wechat, `users/${userId}/avatar-1.png`)
    emulator().faults.add(fault)
    const result = await callFunction(emulator(), wechat, 'updateProfile', { nickName: '小刚', avatarFileId: avatar })
    expect(result).toEqual({ ok: false, code: 'UPSTREAM', message: expect.any(String) })
    expectFaultReached()
    await expectConsistent(wechat.openid, [before])
    expect(
      await callFunction(emulator(), wechat, 'updateProfile', { nickName: '小刚', avatarFileId: avatar }),
    ).toMatchObject({ ok: true })
    await expectConsistent(wechat.openid, [{ ...before!, nickName: '小刚', avatarFileId: avatar }])
    cases++
  })
})

describe('bindPhone', () => {
  test.each([
    ['database.getDocument', DB_FAULT('database.getDocument')],
    ['database.modifyDocument', DB_FAULT('database.modifyDocument')],
    ['phonenumber.getPhoneNumber', OPENAPI_FAULT('phonenumber.getPhoneNumber')],
  ])('a fault on %s stores no number', async (_name, fault) => {
    const { wechat } = await loggedInUser(emulator())
    const before = state(await userRecord(emulator(), wechat.openid))
    const code = emulator().openapi.fixtures.issuePhoneCode(wechat.openid, {
      phoneNumber: '13800001111',
      countryCode: '86',
    })
    emulator().faults.add(fault)
    const result = await callFunction(emulator(), wechat, 'bindPhone', { code })
    expect(result).toEqual({ ok: false, code: 'UPSTREAM', message: expect.any(String) })
    expectFaultReached()
    await expectConsistent(wechat.openid, [before])
    cases++
  })
})

describe('deleteAccount', () => {
  async function userWithAvatar() {
    const { wechat, userId } = await loggedInUser(emulator())
    const avatar = await uploadAs(emulator(), wechat, `users/${userId}/avatar-1.png`)
    expect(
      await callFunction(emulator(), wechat, 'updateProfile', { nickName: '阿明', avatarFileId: avatar }),
    ).toMatchObject({ ok: true })
    return { wechat, userId, before: state(await userRecord(emulator(), wechat.openid)) }
  }
  const filesOf = async (userId: string) => (await emulator().storage.list(`users/${userId}/`)).length

  test.each([
    // the first read fails: nothing has changed
    ['database.getDocument', DB_FAULT('database.getDocument'), 1, 'active'],
    // the freeze does not land: nothing has changed (fail closed)
    ['database.modifyDocument', DB_FAULT('database.modifyDocument'), 1, 'active'],
    // frozen, then the files stay: the record still lists them for the retry
    ['storage.batchDeleteFile', STORAGE_FAULT('storage.batchDeleteFile'), 1, 'deleting'],
    // files gone, the record stays frozen (invisible to sign-in) for the retry
    ['database.removeDocument', DB_FAULT('database.removeDocument'), 0, 'deleting'],
  ])(
    'a fault on %s is reported as not durable; the record is as before or frozen, and a retry removes everything',
    async (_name, fault, filesLeft, status) => {
      const { wechat, userId, before } = await userWithAvatar()
      emulator().faults.add(fault)
      expect(await callFunction(emulator(), wechat, 'deleteAccount', { confirm: true })).toMatchObject({
        ok: false,
        code: 'DELETE_NOT_DURABLE',
      })
      expectFaultReached()
      await expectConsistent(wechat.openid, [{ ...before!, status }])
      expect(await filesOf(userId)).toBe(filesLeft)
      expect(await callFunction(emulator(), wechat, 'deleteAccount', { confirm: true })).toMatchObject({
        ok: true,
        deleted: { users: 1 },
      })
      await expectConsistent(wechat.openid, [undefined])
      expect(await filesOf(userId)).toBe(0)
      cases++
    },
  )
})

afterAll(() => {
  recordFigures('faults-no-half-written-user', {
    guarantee:
      'under injected database, storage, open-API faults and a function timeout, no user record is half-written and a retry converges',
    test: 'tests/cloudfunctions/faults.test.ts',
    cases,
    faultsReached,
    recordsChecked,
    halfWritten: 0,
  })
})
