import { answerPrivacySheet, eventually, screenshot, signIn, usePlayground } from './playground'

const { open } = usePlayground()

/** The panel's controls of WeChat's side reach the app as WeChat's own answers would. */
describe('playground panel: content security, phone outcomes, pushes', () => {
  test('a risky word added in the panel makes the nickname save fail on the page with its real cause', async () => {
    const { page, app } = await open({ nickName: '风险词用户' })
    await page.fill('#risky-word', '坏词')
    await page.click('#risky-add')
    await eventually(async () => expect(await page.locator('#risky-list').textContent()).toContain('坏词'))
    await signIn(app)
    await app.locator('#profile-nickname input').fill('坏词大王')
    // focusing the nickname asks for the privacy guide first (requirePrivacyAuthorize)
    await answerPrivacySheet(app, 'agree')
    await app.locator('#profile-save').click()
    await eventually(async () => expect(await app.locator('#profile-error').textContent()).toContain('不合规'))
    await screenshot(page, 'panel-risky-nickname')
  })

  test('a phone-number quota fault from the panel: the user center says the service is unavailable, under the phone button', async () => {
    const { page, app } = await open({ nickName: '配额用户', phoneNumber: '13600001111' })
    await signIn(app)
    await app.locator('#profile-skip').click()
    await app.locator('#home-user-center').click()
    await page.click('#phone-outcome-1400001')
    await eventually(async () => expect(await page.locator('#wechat-side-status').textContent()).toContain('1400001'))
    await app.locator('#user-bind-phone').click()
    await answerPrivacySheet(app, 'agree')
    await eventually(async () => expect(await app.locator('#user-message').textContent()).toContain('暂时不可用'))
    expect(await app.locator('#user-phone').textContent()).toContain('未绑定')
  })

  test('a revocation push from the panel reaches the function that handles it', async () => {
    const { page, app } = await open({ nickName: '撤回用户' })
    await signIn(app)
    await page.click('#push-revoke-profile')
    await eventually(async () =>
      expect(await page.locator('#wechat-side-status').textContent()).toContain('pushed to userInfoChanges'),
    )
  })
})
