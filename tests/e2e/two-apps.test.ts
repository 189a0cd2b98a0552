import { adminRow, consentAndAuthorize, eventually, screenshot, usePlayground } from './playground'

const { playground, open } = usePlayground()

/** The identities (one per mini program) of the account with this `_openid`, from the emulated database. */
async function identitiesOf(openid: string) {
  const dump = async (collection: string) =>
    ((await playground().emulator.control('database.dump', { collection })) as { documents: Record<string, any>[] })
      .documents
  const account = (await dump('users')).find((u) => u._openid === openid)
  return (await dump('identities')).filter((i) => i.kind === 'openid' && i.userId === account?._id)
}

describe('playground: two mini programs of one organisation, one person', () => {
  test('sign in on the first, open the second and sign in there: the admin view shows one account with two identities', async () => {
    const { page, app, openid } = await open({ nickName: '双端用户', phoneNumber: '13700002222' })
    await app.locator('#home-login').click()
    await consentAndAuthorize(app)
    await app.locator('#profile-skip').click()
    await app.locator('#home-user').waitFor()

    await page.click('#second-open')
    await page.locator('#second-phone').waitFor()
    const second = page.frameLocator('#second-app-frame')
    await second.locator('#home-login').click()
    await consentAndAuthorize(second)
    await second.locator('#profile-skip').click()
    await second.locator('#home-user').waitFor()
    expect(await page.textContent('#second-status')).toContain('the same unionid')

    const ids = await eventually(async () => {
      const found = await identitiesOf(openid)
      expect(found).toHaveLength(2)
      return found
    })
    expect(new Set(ids.map((i) => i.appid)).size).toBe(2)
    const { documents: users } = (await playground().emulator.control('database.dump', { collection: 'users' })) as {
      documents: unknown[]
    }
    expect(users).toHaveLength(1)
    await eventually(async () =>
      expect(await adminRow(page, openid).locator('.users__apps').textContent()).toMatch(/^2wx/),
    )
    expect(await adminRow(page, openid).locator('.users__logins').textContent()).toBe('2')
    // two phones and the panel side by side: a desktop-wide window shows the admin table whole
    await page.setViewportSize({ width: 1720, height: 1000 })
    await page.evaluate(() => window.scrollTo(0, 0))
    await screenshot(page, 'two-mini-programs')
    await page.locator('#admin').scrollIntoViewIfNeeded()
    await screenshot(page, 'two-mini-programs-admin')
  })
})
