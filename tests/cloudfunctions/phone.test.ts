import { callFunction, documents, useEmulator } from '../helpers/emulator'
import { CONSENT, loggedInUser, userRecord } from '../helpers/users'
import { recordFigures } from '../helpers/figures'
import { messageFor } from '../../packages/contract/errors'

const emulator = useEmulator()

const phoneOf = (phoneNumber: string, countryCode = '86') => ({ phoneNumber, countryCode })

describe('phone codes and CloudIDs are bound to the caller', () => {
  test("an attacker presenting a victim's code is refused (40029); the victim's own exchange still works", async () => {
    const victim = await loggedInUser(emulator(), { phoneNumber: '13900007777' })
    const attacker = await loggedInUser(emulator())
    const code = emulator().fixtures.issuePhoneCode(victim.wechat.openid, phoneOf('13900007777'))
    const stolen = await callFunction(emulator(), attacker.wechat, 'bindPhone', { code })
    expect(stolen).toEqual({ ok: false, code: 'PHONE_CODE_INVALID', message: messageFor('PHONE_CODE_INVALID') })
    expect((await userRecord(emulator(), attacker.wechat.openid)).phoneNumber).toBeNull()
    // the same stolen code through the one-tap login: refused too, and no account is made with it
    const fresh = await emulator().accounts.create()
    expect(await callFunction(emulator(), fresh, 'phoneLogin', { code, ...CONSENT })).toMatchObject({
      ok: false,
      code: 'PHONE_CODE_INVALID',
    })
    expect(await userRecord(emulator(), fresh.openid)).toBeUndefined()
    expect(await callFunction(emulator(), victim.wechat, 'bindPhone', { code })).toMatchObject({
      ok: true,
      user: { phoneMasked: '139****7777' },
    })
  })

  test("an attacker presenting a victim's CloudID is refused; a CloudID resolves once", async () => {
    const victim = await loggedInUser(emulator())
    const attacker = await loggedInUser(emulator())
    const data = { phoneNumber: '13600008888', purePhoneNumber: '13600008888', countryCode: '86' }
    const cloudId = emulator().fixtures.issueCloudId(victim.wechat.openid, data)
    expect(await callFunction(emulator(), attacker.wechat, 'bindPhone', { cloudId })).toMatchObject({
      ok: false,
      code: 'PHONE_CODE_INVALID',
    })
    expect((await userRecord(emulator(), attacker.wechat.openid)).phoneNumber).toBeNull()
    expect(await callFunction(emulator(), victim.wechat, 'bindPhone', { cloudId })).toMatchObject({ ok: true })
    expect(await callFunction(emulator(), victim.wechat, 'bindPhone', { cloudId })).toMatchObject({
      ok: false,
      code: 'PHONE_CODE_INVALID',
    })
    recordFigures('phone-bound-to-caller', {
      guarantee: "a victim's phone code or CloudID presented by another user binds nothing; a CloudID resolves once",
      test: 'tests/cloudfunctions/phone.test.ts',
      stolenCodesAccepted: 0,
      stolenCloudIdsAccepted: 0,
    })
  })
})

describe('server-side phone outcomes, each with its own code and message', () => {
  test.each([
    [40029, 'invalid code', 'PHONE_CODE_INVALID'],
    [45011, 'api minute-quota reach limit mustslower retry next minute', 'RATE_LIMITED'],
    [1400001, 'quota used up', 'PHONE_QUOTA'],
  ])('errcode %s → %s', async (errcode, errmsg, code) => {
    const { wechat } = await loggedInUser(emulator())
    const phoneCode = emulator().fixtures.issuePhoneCode(wechat.openid, phoneOf('13500001234'))
    emulator().faults.add({
      service: 'openapi',
      action: 'phonenumber.getPhoneNumber',
      wxErrcode: { errcode, errmsg },
      times: 1,
    })
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined)
    const result = await callFunction(emulator(), wechat, 'bindPhone', { code: phoneCode })
    warn.mockRestore()
    expect(result).toEqual({ ok: false, code, message: messageFor(code) })
    expect((await userRecord(emulator(), wechat.openid)).phoneNumber).toBeNull()
  })

  test('the messages are distinct', () => {
    const codes = [
      'PHONE_DENIED',
      'PHONE_QUOTA',
      'PHONE_NO_PERMISSION',
      'PHONE_NONE',
      'PHONE_CODE_INVALID',
      'RATE_LIMITED',
    ]
    expect(new Set(codes.map(messageFor)).size).toBe(codes.length)
  })
})

describe('one-tap phone login (phoneLogin)', () => {
  test('creates one user with the phone bound and consent recorded, in one call', async () => {
    const account = await emulator().accounts.create({ phoneNumber: '91234567', countryCode: '852' })
    const code = emulator().fixtures.issuePhoneCode(account.openid, phoneOf('91234567', '852'))
    const reply = await callFunction(emulator(), account, 'phoneLogin', { code, ...CONSENT })
    expect(reply).toMatchObject({
      ok: true,
      isNew: true,
      user: { phoneMasked: '+852 91***567', consentVersion: CONSENT.consentVersion, loginCount: 1 },
    })
    const mine = (await documents(emulator(), 'users')).filter((u) => u._openid === account.openid)
    expect(mine).toHaveLength(1)
    expect(mine[0]).toMatchObject({
      phoneNumber: '91234567',
      countryCode: '852',
      privacyConsentVersion: CONSENT.consentVersion,
    })
  })

  test('needs the consent in the same call', async () => {
    const account = await emulator().accounts.create()
    const code = emulator().fixtures.issuePhoneCode(account.openid, phoneOf('13700000001'))
    expect(await callFunction(emulator(), account, 'phoneLogin', { code })).toMatchObject({
      ok: false,
      code: 'INVALID_INPUT',
    })
    expect(await userRecord(emulator(), account.openid)).toBeUndefined()
  })

  test('signs an existing user in and binds the phone in one update', async () => {
    const { wechat } = await loggedInUser(emulator())
    const code = emulator().fixtures.issuePhoneCode(wechat.openid, phoneOf('13700000002'))
    expect(await callFunction(emulator(), wechat, 'phoneLogin', { code, ...CONSENT })).toMatchObject({
      ok: true,
      isNew: false,
      user: { phoneMasked: '137****0002', loginCount: 2 },
    })
  })

  test.each([
    [
      'the write of the new user',
      { service: 'database', action: 'database.insertDocument', error: { code: 'DATABASE_REQUEST_FAILED' }, times: 1 },
    ],
    [
      'the phone exchange',
      {
        service: 'openapi',
        action: 'phonenumber.getPhoneNumber',
        wxErrcode: { errcode: -1, errmsg: 'system error' },
        times: 1,
      },
    ],
  ])('a fault on %s leaves neither a user nor a phone', async (_what, fault) => {
    const account = await emulator().accounts.create()
    const code = emulator().fixtures.issuePhoneCode(account.openid, phoneOf('13700000003'))
    emulator().faults.add(fault as Parameters<ReturnType<typeof emulator>['faults']['add']>[0])
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined)
    const reply = await callFunction(emulator(), account, 'phoneLogin', { code, ...CONSENT })
    error.mockRestore()
    expect(reply).toMatchObject({ ok: false, code: 'UPSTREAM' })
    expect(emulator().faults.list()).toHaveLength(0)
    expect(await userRecord(emulator(), account.openid)).toBeUndefined()
    recordFigures(`phone-login-atomic-${_what.replace(/\W+/g, '-')}`, {
      guarantee: 'one-tap phone login: a fault leaves neither the user nor the phone',
      test: 'tests/cloudfunctions/phone.test.ts',
      usersLeft: 0,
    })
  })
})
