import { adminSdk, callFunction, useEmulator } from '../helpers/emulator'
import { CONSENT, loggedInUser, userRecord } from '../helpers/users'
import { recordFigures } from '../helpers/figures'
import { PRIVACY_POLICY_VERSION } from '../../packages/contract/privacy-policy'

const emulator = useEmulator()

/** What a version bump looks like to a returning user: their record holds an older accepted version. */
async function acceptedOlderVersion(openid: string) {
  const record = await userRecord(emulator(), openid)
  await adminSdk(emulator())
    .database()
    .collection('users')
    .doc(record._id)
    .update({ data: { privacyConsentVersion: '2025-01' } })
}

describe('consent by policy version', () => {
  test('a silent re-login records nothing, and the reply says which version was accepted', async () => {
    const { wechat } = await loggedInUser(emulator(), { consent: false })
    const again = await callFunction(emulator(), wechat, 'login', {})
    expect(again).toMatchObject({ ok: true, user: { privacyConsented: false, consentVersion: null } })
    expect(await userRecord(emulator(), wechat.openid)).toMatchObject({
      privacyConsentAt: null,
      privacyConsentVersion: null,
    })
  })

  test('version bump: the returning user is told the accepted version is older, nothing is recorded until the tap', async () => {
    const { wechat } = await loggedInUser(emulator())
    await acceptedOlderVersion(wechat.openid)
    const silent = await callFunction(emulator(), wechat, 'login', {})
    expect(silent).toMatchObject({ ok: true, user: { consentVersion: '2025-01' } })
    expect((await userRecord(emulator(), wechat.openid)).privacyConsentVersion).toBe('2025-01')
    // profile and phone use stop until the new version is accepted
    expect(await callFunction(emulator(), wechat, 'updateProfile', { nickName: '阿花' })).toMatchObject({
      ok: false,
      code: 'CONSENT_OUTDATED',
    })
    expect(await callFunction(emulator(), wechat, 'bindPhone', { code: 'x' })).toMatchObject({
      ok: false,
      code: 'CONSENT_OUTDATED',
    })
    // the tap
    expect(
      await callFunction(emulator(), wechat, 'consent', { action: 'accept', version: PRIVACY_POLICY_VERSION }),
    ).toMatchObject({
      ok: true,
      user: { consentVersion: PRIVACY_POLICY_VERSION },
    })
    expect(await callFunction(emulator(), wechat, 'updateProfile', { nickName: '阿花' })).toMatchObject({ ok: true })
  })

  test('a version the backend does not show cannot be accepted, by login or by consent', async () => {
    const { wechat } = await loggedInUser(emulator(), { consent: false })
    expect(await callFunction(emulator(), wechat, 'login', { consentVersion: '1999-01' })).toMatchObject({
      ok: false,
      code: 'INVALID_INPUT',
    })
    expect(await callFunction(emulator(), wechat, 'consent', { action: 'accept', version: '1999-01' })).toMatchObject({
      ok: false,
      code: 'INVALID_INPUT',
    })
    expect((await userRecord(emulator(), wechat.openid)).privacyConsentAt).toBeNull()
  })

  test('withdrawal clears consent and stops profile and phone use; accepting again restores it', async () => {
    const { wechat } = await loggedInUser(emulator(), { phoneNumber: '13800001111' })
    const withdrawn = await callFunction(emulator(), wechat, 'consent', { action: 'withdraw' })
    expect(withdrawn).toMatchObject({ ok: true, user: { privacyConsented: false, consentVersion: null } })
    expect(await userRecord(emulator(), wechat.openid)).toMatchObject({
      privacyConsentAt: null,
      privacyConsentVersion: null,
    })
    expect(await callFunction(emulator(), wechat, 'updateProfile', { nickName: '阿花' })).toMatchObject({
      ok: false,
      code: 'CONSENT_REQUIRED',
    })
    const code = emulator().fixtures.issuePhoneCode(wechat.openid, { phoneNumber: '13800001111', countryCode: '86' })
    expect(await callFunction(emulator(), wechat, 'bindPhone', { code })).toMatchObject({
      ok: false,
      code: 'CONSENT_REQUIRED',
    })
    expect(
      await callFunction(emulator(), wechat, 'consent', { action: 'accept', version: PRIVACY_POLICY_VERSION }),
    ).toMatchObject({ ok: true })
    expect(await callFunction(emulator(), wechat, 'bindPhone', { code })).toMatchObject({ ok: true })
    recordFigures('consent-by-version', {
      guarantee:
        'consent is recorded only from an explicit accept of the current version; withdrawal stops profile and phone use',
      test: 'tests/cloudfunctions/consent.test.ts',
      silentLoginsRecordingConsent: 0,
    })
  })

  test('the consent helper of other tests is the current version', () => {
    expect(CONSENT.consentVersion).toBe(PRIVACY_POLICY_VERSION)
  })
})
