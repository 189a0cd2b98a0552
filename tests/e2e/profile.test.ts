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

describe('playground: profile and phone', () => {
  test('avatar and nickname: picked behind the privacy guide, uploaded, saved, and shown in the app and the admin view', async () => {
    const { page, app, openid } = await open({ nickName: '头像用户' })
    await signIn(app)
    await app.locator('#profile-avatar').click()
    await answerPrivacySheet(app, 'agree')
    // the picked picture is a real image: the preview loads
    await eventually(async () =>
      expect(
        await app.locator('#profile-avatar-image img').evaluate((img) => (img as HTMLImageElement).naturalWidth),
      ).toBeGreaterThan(0),
    )
    await app.locator('#profile-nickname input').fill('小红')
    await app.locator('#profile-save').click()
    // back on the home page (which was already rendered underneath, so wait for the new greeting)
    await eventually(async () => expect(await app.locator('#home-greeting').textContent()).toContain('你好，小红'))

    const record = await eventually(async () => {
      const r = await userRecord(playground(), openid)
      expect(r?.nickName).toBe('小红')
      return r!
    })
    expect(record.avatarFileId).toMatch(new RegExp(`^cloud://.+/users/${record._id}/avatar-\\d+\\.png$`))
    expect(await storedFiles(playground(), `users/${record._id}/`)).toHaveLength(1)

    // the user center shows the stored avatar (a cloud:// file ID, loaded from the emulator's storage)
    await app.locator('#home-user-center').click()
    await eventually(async () => expect(await app.locator('#user-nickname').textContent()).toBe('小红'))
    await eventually(async () =>
      expect(
        await app.locator('#user-avatar img').evaluate((img) => (img as HTMLImageElement).naturalWidth),
      ).toBeGreaterThan(0),
    )
    const row = adminRow(page, openid)
    await eventually(async () => expect(await row.locator('.users__nickname').textContent()).toBe('小红'))
    await eventually(async () =>
      expect(await row.locator('img').evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(0),
    )
    await screenshot(page, 'profile-saved')
  })

  test('phone number: bound server-side from the dynamic code, shown masked in the app and the admin view', async () => {
    const { page, app, openid } = await open({ nickName: '手机用户', phoneNumber: '13812345678' })
    await signIn(app)
    await app.locator('#profile-skip').click()
    await app.locator('#home-user-center').click()
    expect(await app.locator('#user-phone').textContent()).toContain('未绑定手机号')
    await app.locator('#user-bind-phone').click()
    await answerPrivacySheet(app, 'agree')
    await eventually(async () => expect(await app.locator('#user-phone').textContent()).toBe('138****5678'))
    expect(await app.locator('#user-message').textContent()).toContain('手机号已绑定')
    expect((await userRecord(playground(), openid))?.phoneNumber).toBe('13812345678')
    const phoneCell = adminRow(page, openid).locator('.users__phone')
    await eventually(async () => expect(await phoneCell.textContent()).toBe('138****5678'))
    await screenshot(page, 'phone-bound')
  })

  test('old base library: getUserProfile still gives the real WeChat nickname, offered in the profile form', async () => {
    const { page, app } = await open({ nickName: '老版本用户' })
    const relaunched = page.waitForFunction(() =>
      (document.getElementById('app-frame') as HTMLIFrameElement).contentWindow?.location.href.includes('launch=3'),
    )
    await page.click('#base-library-old')
    await relaunched
    await expect(page.textContent('#phone-base-library')).resolves.toContain('2.26.0')
    await signIn(app)
    await eventually(async () => expect(await app.locator('#profile-nickname input').inputValue()).toBe('老版本用户'))
    await screenshot(page, 'old-base-library')
  })
})
