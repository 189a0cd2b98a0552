import {
  adminRow,
  answerPrivacySheet,
  eventually,
  screenshot,
  signIn,
  storedFiles,
  userRecord,
  usePlayground,
} from './playground'

const { playground, open } = usePlayground()

/** The cached login state on the simulated phone (wx storage, kept per user by the playground). */
const cachedSession = (page: import('playwright-core').Page, openid: string) =>
  page.evaluate((key) => {
    const device = JSON.parse(localStorage.getItem(key) ?? '{"storage":[]}') as { storage: Array<[string, string]> }
    return device.storage.find(([k]) => k === 'weauth:session')?.[1] ?? null
  }, `weauth-playground:device:${openid}`)

describe('playground: leaving', () => {
  test('log out: the phone forgets the login state, the record stays, a relaunch starts logged out', async () => {
    const { page, app, openid } = await open({ nickName: '退出用户' })
    await signIn(app)
    await app.locator('#profile-skip').click()
    expect(await cachedSession(page, openid)).not.toBeNull()

    await app.locator('#home-user-center').click()
    await app.locator('#user-logout').click()
    await app.locator('#home-login').waitFor()
    expect(await cachedSession(page, openid)).toBeNull()
    expect(await userRecord(playground(), openid)).toMatchObject({ loginCount: 1 })

    await page.click('#phone-relaunch')
    await page.waitForFunction(() =>
      (document.getElementById('app-frame') as HTMLIFrameElement).contentWindow?.location.href.includes('launch=3'),
    )
    await app.locator('#home-login').waitFor()
    await screenshot(page, 'logged-out')
  })

  test('delete account: after WeChat-style confirmation the record and the avatar are gone, here and in the admin view', async () => {
    const { page, app, openid } = await open({ nickName: '注销用户' })
    await signIn(app)
    await app.locator('#profile-avatar').click()
    await answerPrivacySheet(app, 'agree')
    await app.locator('#profile-avatar-image').waitFor()
    await app.locator('#profile-nickname input').fill('要走的人')
    await app.locator('#profile-save').click()
    await app.locator('#home-user-center').click()
    const { _id: userId } = (await userRecord(playground(), openid))!
    expect(await storedFiles(playground(), `users/${userId}/`)).toHaveLength(1)
    await eventually(async () => expect(await adminRow(page, openid).count()).toBe(1))

    // the deletion-notice page: going back keeps everything
    await app.locator('#user-delete').click()
    await app.locator('#delete-notice').waitFor()
    await app.locator('#delete-cancel').click()
    expect(await userRecord(playground(), openid)).toBeDefined()
    // nothing is removed before the explicit confirmation
    await app.locator('#user-delete').click()
    await app.locator('#delete-understood').click()
    await app.locator('#delete-confirm').click()
    await app.locator('#delete-receipt').waitFor()
    expect(await app.locator('#delete-receipt-time').textContent()).toContain('注销时间')
    await app.locator('#delete-receipt-dismiss').click()

    await app.locator('#home-login').waitFor()
    await eventually(async () => expect(await userRecord(playground(), openid)).toBeUndefined())
    expect(await storedFiles(playground(), `users/${userId}/`)).toEqual([])
    expect(await cachedSession(page, openid)).toBeNull()
    await eventually(async () => expect(await adminRow(page, openid).count()).toBe(0))
    await screenshot(page, 'account-deleted')
  })
})
