import { adminRow, eventually, screenshot, signIn, userRecord, usePlayground } from './playground'

const { playground, open } = usePlayground()

describe('playground: admin view', () => {
  test('reset wipes the emulated data and starts over with a new simulated user, logged out', async () => {
    const { page, app, openid } = await open({ nickName: '重置前用户' })
    await signIn(app)
    await app.locator('#profile-skip').click()
    await eventually(async () => expect(await adminRow(page, openid).count()).toBe(1))

    page.once('dialog', (dialog) => void dialog.accept())
    await page.click('#admin-reset')

    await eventually(async () => expect(await page.textContent('#admin-users')).toContain('No users yet'))
    expect(await userRecord(playground(), openid)).toBeUndefined()
    const accounts = await playground().emulator.accounts.list()
    expect(accounts.map((a) => a.nickName)).toEqual(['测试用户1'])
    await eventually(async () => expect(await page.inputValue('#identity-select')).toBe(accounts[0].openid))
    // the old user's phone is gone with them, and the new user starts logged out
    expect(await page.evaluate((key) => localStorage.getItem(key), `weauth-playground:device:${openid}`)).toBeNull()
    await app.locator('#home-login').waitFor()
    await screenshot(page, 'admin-reset')
  })
})
