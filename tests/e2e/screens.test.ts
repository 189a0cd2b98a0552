import { join } from 'node:path'
import { answerPrivacySheet, eventually, screens, SCREENS, usePlayground } from './playground'

const { open } = usePlayground()

/**
 * Every page state a new user meets, in the phone frame, saved at 375×667 and 414×896 in test-output/screens/
 * for the visual review, with the points each state has to make asserted on the way. The playground as a whole
 * is saved as test-output/screens/playground.png (the README's picture, docs/playground.png, is copied from it).
 */
describe('playground: every screen, at two phone sizes', () => {
  test('a first visit from the home page to account deletion', async () => {
    const { page, app } = await open({ nickName: '看图用户', phoneNumber: '13700001234' })
    const consoleErrors: string[] = []
    page.on('console', (m) => void (m.type() === 'error' ? consoleErrors.push(m.text()) : undefined))
    const title = () => page.locator('#phone-title').textContent()

    await screens(page, '01-home-logged-out')
    await app.locator('#home-login').click()
    await app.locator('#auth-brand').waitFor()
    await eventually(async () => expect(await title()).toBe('授权登录'))
    expect(await page.locator('#phone-back').isVisible()).toBe(true)
    await screens(page, '02-auth')

    // no consent: the button still answers, the row shakes and says which documents to accept
    await app.locator('#authorize-button').click()
    expect(await app.locator('#consent-hint').textContent()).toBe('请先阅读并同意《用户协议》和《隐私政策》')
    expect(await app.locator('#consent-toggle').getAttribute('class')).toContain('consent--nudge')
    await screens(page, '03-auth-consent-missing')

    // the documents open in place and the frame's back control returns with the box as it was
    await app.locator('#consent-agreement-link').click()
    await app.locator('#user-agreement').waitFor()
    await eventually(async () => expect(await title()).toBe('用户协议'))
    await screens(page, '04-agreement')
    await page.click('#phone-back')
    await app.locator('#consent-privacy-link').click()
    await app.locator('#privacy-policy').waitFor()
    await eventually(async () => expect(await title()).toBe('隐私政策'))
    expect(await app.locator('#privacy-policy').textContent()).not.toContain('解绑')
    await screens(page, '05-privacy')
    await page.click('#phone-back')
    await app.locator('#consent-unchecked').waitFor()

    // a login failure that outlasts the retries (a fault from the panel), then 重试 succeeds
    await page.selectOption('#fault-service', 'functions')
    await page.fill('#fault-action', 'login')
    await page.selectOption('#fault-error', 'FUNCTIONS_EXECUTE_FAIL')
    await page.fill('#fault-times', '3')
    await page.click('#fault-add')
    await eventually(async () => expect(await page.locator('#fault-list').textContent()).toContain('functions · login'))
    await app.locator('#consent-unchecked').click()
    await app.locator('#authorize-button').click()
    await app.locator('#auth-error').waitFor()
    expect(await app.locator('#authorize-button').textContent()).toBe('重试')
    await screens(page, '06-auth-error')
    await app.locator('#authorize-button').click()
    await app.locator('#auth-success').waitFor()
    await screens(page, '07-profile-after-login')

    await app.locator('#profile-avatar').click()
    await app.locator('#privacy-sheet').waitFor()
    await screens(page, '08-privacy-sheet')
    await answerPrivacySheet(app, 'agree')
    await app.locator('#profile-skip').click()
    await app.locator('#home-user').waitFor()
    // the home page and the user center name a missing nickname the same way
    expect(await app.locator('#home-login-count').textContent()).toContain('未设置昵称')
    await screens(page, '09-home-signed-in')

    await app.locator('#home-user-center').click()
    await app.locator('#user-center').waitFor()
    expect(await app.locator('#user-nickname').textContent()).toBe('未设置昵称')
    await screens(page, '10-user-center')
    await app.locator('#user-bind-phone').click()
    await eventually(async () => expect(await app.locator('#user-phone').textContent()).toBe('137****1234'))
    expect(await app.locator('#user-message').textContent()).toBe('手机号已绑定')
    await screens(page, '11-user-phone-bound')
    // the next action clears the last one's result
    await app.locator('#user-edit').click()
    expect(await app.locator('#user-message').count()).toBe(0)
    await app.locator('#profile-cancel').waitFor()
    await screens(page, '12-user-edit-profile')
    await app.locator('#profile-cancel').click()

    // the scope center and the background-location demo, driven from the panel's phone card
    await app.locator('#user-scopes').click()
    await app.locator('#scopes').waitFor()
    await screens(page, '13-scopes')
    await app.locator('#bg-start').click()
    await app.locator('#bg-guide').waitFor()
    expect(await app.locator('#scope-userLocationBackground-state').textContent()).not.toContain('已拒绝')
    await screens(page, '14-scopes-background-not-allowed')
    await page.click('#choice-userLocationBackground-allow')
    await app.locator('#bg-settings').click()
    await eventually(async () => expect(await app.locator('#bg-status').textContent()).toContain('后台定位中'))
    await page.click('#app-background')
    expect(await page.locator('#phone-background').isVisible()).toBe(true)
    await page.click('#location-map', { position: { x: 200, y: 60 } })
    await page.click('#location-map', { position: { x: 260, y: 90 } })
    expect(await page.locator('#location-status').textContent()).toContain('delivered to the app')
    await page.click('#app-foreground')
    await eventually(async () => expect(await app.locator('#bg-status').textContent()).toContain('已收到 2 次位置更新'))
    await screens(page, '15-scopes-background-running')
    await page.evaluate(() => window.scrollTo(0, 0))
    await page.screenshot({ path: join(SCREENS, 'playground.png'), animations: 'disabled' })
    await app.locator('#bg-stop').click()

    // deletion: the notice outlives the relaunch onto the home page
    await page.click('#phone-back')
    await app.locator('#user-delete').click()
    await app.locator('#delete-notice').waitFor()
    await screens(page, '16-delete-notice')
    await app.locator('#delete-understood').click()
    await app.locator('#delete-confirm').click()
    // the receipt stays on screen until the user dismisses it
    await app.locator('#delete-receipt').waitFor()
    await page.waitForTimeout(2000)
    expect(await app.locator('#delete-receipt-time').textContent()).toContain('注销时间')
    await screens(page, '17-delete-receipt')
    await app.locator('#delete-receipt-dismiss').click()
    await app.locator('#home-login').waitFor()
    await screens(page, '18-home-after-deletion')

    // 重试 after an error re-rendered the page without React losing track of Taro's button (insertBefore)
    expect(consoleErrors.filter((e) => /insertBefore|NotFoundError/.test(e))).toEqual([])
  })
})
