import {
  adminRow,
  answerPrivacySheet,
  consentAndAuthorize,
  eventually,
  isDisabled,
  screenshot,
  signIn,
  storedFiles,
  userRecord,
  usePlayground,
} from './playground'

const { playground, open } = usePlayground()

describe('playground: signing in', () => {
  test('first login: consent, one tap, one user record; the app and the admin view show it', async () => {
    const { page, app, openid } = await open({ nickName: '首登用户', phoneNumber: '13800001111' })
    await app.locator('#home-login').click()
    await consentAndAuthorize(app)

    const record = await eventually(async () => {
      const r = await userRecord(playground(), openid)
      expect(r).toMatchObject({
        loginCount: 1,
        privacyConsentVersion: '2026-11',
        nickName: '',
        avatarFileId: '',
        phoneNumber: null,
      })
      return r!
    })
    expect(new Date(record.createdAt).getTime()).toBeGreaterThan(Date.now() - 60_000)

    // skipping the profile goes back to the home page, signed in
    await app.locator('#profile-skip').click()
    await eventually(async () => expect(await app.locator('#home-login-count').textContent()).toContain('第 1 次登录'))
    await eventually(async () => expect(await adminRow(page, openid).locator('.users__logins').textContent()).toBe('1'))
    expect(await adminRow(page, openid).locator('.users__consent').textContent()).toBe('yes (2026-11)')
    await screenshot(page, 'first-login')
  })

  test('consent comes first: no login before the policy box is ticked, no profile before the privacy guide is agreed', async () => {
    const { page, app, openid } = await open({ nickName: '谨慎用户' })
    await app.locator('#home-login').click()
    // the button is not disabled (WeChat fires no tap on a disabled button): a tap asks for consent instead,
    // and nothing reaches the cloud until the box is ticked
    expect(await isDisabled(app, '#authorize-button')).toBe(false)
    await app.locator('#authorize-button').click()
    await app.locator('#consent-hint').waitFor()
    await page.waitForTimeout(500)
    expect(await app.locator('#auth-success').count()).toBe(0)
    expect(await userRecord(playground(), openid)).toBeUndefined()

    await consentAndAuthorize(app)
    const { _id: userId } = await eventually(async () => (await userRecord(playground(), openid))!)

    // the avatar picker is privacy-gated: WeChat asks through the page's sheet first; declining picks nothing
    await app.locator('#profile-avatar').click()
    await app.locator('#privacy-sheet').waitFor()
    await screenshot(page, 'consent-privacy-sheet')
    await answerPrivacySheet(app, 'disagree')
    await page.waitForTimeout(300)
    expect(await app.locator('#profile-avatar-image').count()).toBe(0)
    expect(await userRecord(playground(), openid)).toMatchObject({ nickName: '', avatarFileId: '' })
    expect(await storedFiles(playground(), `users/${userId}/`)).toEqual([])
  })

  test('a denied authorization: the user refuses the phone number; the page says so and nothing is stored', async () => {
    const { page, app, openid } = await open({ nickName: '拒绝用户', phoneNumber: '13900002222' })
    await page.click('#choice-phoneNumber-deny')
    await signIn(app)
    await app.locator('#profile-skip').click()
    await app.locator('#home-user-center').click()
    await app.locator('#user-bind-phone').click()
    await answerPrivacySheet(app, 'agree')
    await eventually(async () =>
      expect(await app.locator('#user-message').textContent()).toContain('你已取消手机号授权'),
    )
    expect(await app.locator('#user-phone').textContent()).toContain('未绑定手机号')
    expect((await userRecord(playground(), openid))?.phoneNumber).toBeNull()
    await screenshot(page, 'denied-phone-number')
  })
})
