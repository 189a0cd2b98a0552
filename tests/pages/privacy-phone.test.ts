import { useEmulator } from '../helpers/emulator'
import {
  consentAndAuthorize,
  eventually,
  submitProfile,
  type MiniProgram,
  type PageHandle,
} from '../helpers/miniprogram'
import { usePageBackends, type PageBackend } from '../helpers/page-backends'
import { recordFigures } from '../helpers/figures'
import { messageFor, type ErrorCode } from '../../packages/contract/errors'
import { PRIVACY_POLICY_VERSION } from '../../packages/contract/privacy-policy'

const emulator = useEmulator()
const backends = usePageBackends(emulator)

type Choices = Parameters<PageBackend['launch']>[0]['choices']

async function signedIn(
  backend: PageBackend,
  options: { phoneNumber?: string; countryCode?: string; choices?: Choices } = {},
) {
  const account = await emulator().accounts.create({
    phoneNumber: options.phoneNumber,
    countryCode: options.countryCode,
  })
  const mp = await backend.launch({ account, choices: options.choices })
  const auth = await mp.open('pages/auth/index')
  await consentAndAuthorize(auth)
  await auth.find('auth-success')
  return { account, mp, auth }
}

async function answerPrivacySheet(page: PageHandle, answer: 'agree' | 'disagree') {
  await page.find('privacy-sheet')
  if (answer === 'agree') await page.trigger('privacy-agree', 'agreeprivacyauthorization', {})
  else await page.tap('privacy-disagree')
}

/** A tap on a phone button: the privacy guide first (answered on the page's sheet), then WeChat's dialog. */
async function tapPhone(mp: MiniProgram, page: PageHandle, id: string, privacy?: 'agree' | 'disagree') {
  const detail = mp.runtime.openType.getPhoneNumber()
  if (privacy) await answerPrivacySheet(page, privacy)
  await page.trigger(id, 'getphonenumber', await detail)
}

describe.each(backends)('consent by version, through the pages (%s backend)', (_name, backend) => {
  test('a policy version bump: the returning user is asked again, and nothing is recorded until the tap', async () => {
    const { account, mp } = await signedIn(backend)
    await backend.setConsentVersion(account.openid, '2025-01')
    await emulator().accounts.expireSession(account.openid)
    // relaunch: the expired session is renewed silently, and the reply tells the app the accepted version is older
    const next = await backend.launch({ account, device: mp.runtime.device })
    await next.open('pages/index/index')
    const page = await next.open('pages/user/index')
    await page.find('policy-update')
    expect((await backend.user(account.openid))!.privacyConsentVersion).toBe('2025-01')
    await page.tap('policy-accept')
    await eventually(async () =>
      expect((await backend.user(account.openid))!.privacyConsentVersion).toBe(PRIVACY_POLICY_VERSION),
    )
    await eventually(() => expect(page.has('policy-update')).toBe(false))
    recordFigures(`pages-consent-version-bump${backend.name === 'cloud' ? '' : `-${backend.name}`}`, {
      guarantee:
        'after a policy version bump the returning user is shown the policy again; consent is recorded only by the tap',
      test: 'tests/pages/privacy-phone.test.ts',
      recordedBeforeTap: 0,
    })
  })

  test('withdrawing consent in the user center stops profile use; accepting again by a tap restores it', async () => {
    const { account, mp } = await signedIn(backend)
    const page = await mp.open('pages/user/index')
    await page.tap('user-withdraw-consent')
    await page.find('user-accept-consent')
    expect(await page.text('user-consent-message')).toContain('已撤回同意')
    expect(await backend.user(account.openid))!.toMatchObject({
      privacyConsentAt: null,
      privacyConsentVersion: null,
    })
    await page.tap('user-accept-consent')
    await page.find('user-withdraw-consent')
    expect(await page.text('user-consent-message')).toBe('已同意隐私政策')
    expect((await backend.user(account.openid))!.privacyConsentVersion).toBe(PRIVACY_POLICY_VERSION)
  })

  test("refusing WeChat's privacy guide gets a kind message, and WeChat does not ask again for 10 s", async () => {
    const { mp } = await signedIn(backend, { phoneNumber: '13812345678' })
    const page = await mp.open('pages/user/index')
    await tapPhone(mp, page, 'user-bind-phone', 'disagree')
    expect(await page.text('user-message')).toBe(messageFor('PRIVACY_REFUSED'))
    await page.find('privacy-refused')
    // at once again: no sheet, the same kind message
    const again = await mp.runtime.openType.getPhoneNumber()
    expect(again).toMatchObject({ errno: 104 })
    expect(page.has('privacy-sheet')).toBe(false)
    await page.trigger('user-bind-phone', 'getphonenumber', again)
    expect(await page.text('user-message')).toBe(messageFor('PRIVACY_REFUSED'))
    // after the 10 s WeChat asks again
    mp.runtime.state.privacyRefusedUntil = Date.now() - 1
    await tapPhone(mp, page, 'user-bind-phone', 'agree')
    await eventually(async () => expect(await page.text('user-phone')).toContain('138****5678'))
  })
})

describe.each(backends)('phone outcomes on the page, each with its own message (%s backend)', (_name, backend) => {
  const outcomes: Array<[Choices, ErrorCode]> = [
    [{ phoneNumber: 'deny' }, 'PHONE_DENIED'],
    [{ phoneNumber: 'quota' }, 'PHONE_QUOTA'],
    [{ phoneNumber: 'noPermission' }, 'PHONE_NO_PERMISSION'],
    [{ phoneNumber: 'noPhone' }, 'PHONE_NONE'],
  ]
  test.each(outcomes)('%j shows %s', async (choices, code) => {
    const { account, mp } = await signedIn(backend, { phoneNumber: '13812345678', choices })
    const page = await mp.open('pages/user/index')
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined)
    await tapPhone(mp, page, 'user-bind-phone', 'agree')
    expect(await page.text('user-message')).toBe(messageFor(code))
    warn.mockRestore()
    expect((await backend.user(account.openid))!.phoneNumber).toBeNull()
  })

  test('rate limited (45011) shows its own message', async () => {
    const { account, mp } = await signedIn(backend, { phoneNumber: '13812345678' })
    const page = await mp.open('pages/user/index')
    emulator().faults.add({
      service: 'openapi',
      action: 'phonenumber.getPhoneNumber',
      wxErrcode: { errcode: 45011, errmsg: 'api minute-quota reach limit' },
      times: 1,
    })
    await tapPhone(mp, page, 'user-bind-phone', 'agree')
    await eventually(async () => expect(await page.text('user-message')).toBe(messageFor('RATE_LIMITED')))
    expect((await backend.user(account.openid))!.phoneNumber).toBeNull()
  })

  test('a Hong Kong number is shown masked by its country', async () => {
    const { mp } = await signedIn(backend, { phoneNumber: '91234567', countryCode: '852' })
    const page = await mp.open('pages/user/index')
    await tapPhone(mp, page, 'user-bind-phone', 'agree')
    await eventually(async () => expect(await page.text('user-phone')).toBe('+852 91***567'))
  })
})

describe.each(backends)('手机号快捷登录 on the authorization page (%s backend)', (_name, backend) => {
  test('after consent, one phone tap signs in and binds the phone in one call', async () => {
    const account = await emulator().accounts.create({ phoneNumber: '13912345678' })
    const mp = await backend.launch({ account })
    const auth = await mp.open('pages/auth/index')
    // before consent: the consent row is nudged, WeChat's phone dialog never opens and nothing is called
    await auth.tap('phone-login-button')
    expect(await auth.text('consent-hint')).toBe(messageFor('CONSENT_REQUIRED'))
    expect(backend.backendCalls(mp.runtime.state.calls)).toEqual([])
    await auth.tap('consent-toggle')
    await auth.find('consent-checked')
    const calls = mp.runtime.state.calls.length
    await tapPhone(mp, auth, 'phone-login-button', 'agree')
    await eventually(() => expect(mp.runtime.state.navigations.map((n) => n.kind)).toContain('reLaunch'))
    expect(backend.backendCalls(mp.runtime.state.calls.slice(calls))).toEqual([backend.callOf('phoneLogin')])
    const record = await backend.user(account.openid)
    expect(record).toMatchObject({
      phoneNumber: '13912345678',
      privacyConsentVersion: PRIVACY_POLICY_VERSION,
      loginCount: 1,
    })
  })

  test('a refused phone dialog says so and signs nobody in', async () => {
    const account = await emulator().accounts.create({ phoneNumber: '13912345679' })
    const mp = await backend.launch({ account, choices: { phoneNumber: 'deny' } })
    const auth = await mp.open('pages/auth/index')
    await auth.tap('consent-toggle')
    await auth.find('consent-checked')
    await tapPhone(mp, auth, 'phone-login-button', 'agree')
    expect(await auth.text('phone-login-error')).toBe(messageFor('PHONE_DENIED'))
    expect(await backend.user(account.openid))!.toBeUndefined()
  })
})

describe.each(backends)('nickname capture (%s backend)', (_name, backend) => {
  test('a refused nickname says why and keeps the form as typed', async () => {
    const { auth, account } = await signedIn(backend)
    await auth.trigger('profile-nickname', 'input', { value: 'ㅤ\u3164' })
    await submitProfile(auth, '\u3164')
    expect(await auth.text('profile-error')).toBe(messageFor('NICKNAME_BLANK_FILLER'))
    expect((await auth.find('profile-nickname')).dom.getAttribute('value') ?? '\u3164').toContain('\u3164')
    expect((await backend.user(account.openid))!.nickName).toBe('')
  })

  test("WeChat's own review failing (bindnicknamereview pass=false) is shown and nothing is sent", async () => {
    const { auth, account } = await signedIn(backend)
    await auth.trigger('profile-nickname', 'input', { value: '某昵称' })
    await auth.trigger('profile-nickname', 'nicknamereview', { pass: false, timeout: false })
    await submitProfile(auth, '某昵称')
    expect(await auth.text('profile-error')).toContain('安全检查')
    expect((await backend.user(account.openid))!.nickName).toBe('')
  })

  test('the submitted value is what is saved (a nickname picked from the keyboard bar fires no input event)', async () => {
    const { auth, account } = await signedIn(backend)
    await submitProfile(auth, '微信昵称🐱')
    await eventually(async () => expect((await backend.user(account.openid))!.nickName).toBe('微信昵称🐱'))
  })
})
