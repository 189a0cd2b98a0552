import { documents, useEmulator } from '../helpers/emulator'
import { consentAndAuthorize, eventually, launch } from '../helpers/miniprogram'
import { PRIVACY_POLICY_VERSION } from '../../packages/contract/privacy-policy'
import type { WeChatAccount } from '../../emulator/src'

/**
 * The same compiled pages (dist/) loaded as two mini programs of one organisation: the owner's appid and a second
 * appid that calls the shared cloud environment (资源复用, FROM_* in getWXContext). One simulated person with an
 * openid per app and, when both apps are bound to the Open Platform account, one unionid: one account, two identities.
 */
const emulator = useEmulator()
const SECOND = 'wxsecondpages00001'

beforeEach(async () => {
  await emulator().reset()
  emulator().openPlatform.share(SECOND)
})

async function person(bound: boolean) {
  if (bound) await emulator().openPlatform.bind('weauth-open-platform', [SECOND])
  const first = await emulator().accounts.create()
  const second = await emulator().accounts.create({ appid: SECOND, sameAs: first.openid })
  return { first, second }
}

/** Launches the mini program as this app's user and signs in on the authorization page (tick, tap). */
async function signIn(account: WeChatAccount) {
  const mp = await launch({ emulator: emulator(), account })
  const auth = await mp.open('pages/auth/index')
  await consentAndAuthorize(auth)
  await auth.find('auth-success')
  auth.close()
  return mp
}

const users = () => documents(emulator(), 'users')
const openidIdentities = async () => (await documents(emulator(), 'identities')).filter((d) => d.kind === 'openid')

test('one person through two compiled mini programs of one Open Platform account: one account, two identities', async () => {
  const { first, second } = await person(true)
  await signIn(first)
  const mp2 = await signIn(second)
  const records = await users()
  expect(records).toHaveLength(1)
  expect(records[0]).toMatchObject({ loginCount: 2, unionid: first.unionid })
  expect((await openidIdentities()).map((i) => [i.appid, i.openid, i.userId]).sort()).toEqual(
    [
      [emulator().appid, first.openid, records[0]._id],
      [SECOND, second.openid, records[0]._id],
    ].sort(),
  )
  // each app recorded its own consent, by its own tap
  expect(records[0].privacyConsentVersion).toBe(PRIVACY_POLICY_VERSION)
  expect(records[0].appConsents[SECOND]).toMatchObject({ version: PRIVACY_POLICY_VERSION })
  // the user center of the second app shows the same account
  const center = await mp2.open('pages/user/index')
  await center.find('user-unlink')
  expect(await center.text('user-nickname')).toBeTruthy()
})

test('an app bound to no Open Platform account: the same person gets a separate account', async () => {
  const { first, second } = await person(false)
  expect(second.unionid).toBeUndefined()
  await signIn(first)
  await signIn(second)
  const records = await users()
  expect(records).toHaveLength(2)
  expect(new Set((await openidIdentities()).map((i) => i.userId)).size).toBe(2)
})

test("withdrawing consent in one app's user center leaves the other app's consent", async () => {
  const { first, second } = await person(true)
  const mp1 = await signIn(first)
  const mp2 = await signIn(second)
  const center2 = await mp2.open('pages/user/index')
  await center2.tap('user-withdraw-consent')
  await center2.find('user-accept-consent')
  await eventually(async () => expect((await users())[0].appConsents[SECOND]).toMatchObject({ version: null }))
  expect((await users())[0].privacyConsentVersion).toBe(PRIVACY_POLICY_VERSION)
  // the first app, relaunched (its session renewed by a login), still has its consent: no ask, withdraw offered
  await emulator().accounts.expireSession(first.openid)
  const again = await launch({ emulator: emulator(), account: first, device: mp1.runtime.device })
  await again.open('pages/index/index')
  const center1 = await again.open('pages/user/index')
  await center1.find('user-withdraw-consent')
  expect(center1.has('user-accept-consent')).toBe(false)
})

test("unlinking the second app from its user center: its identity goes, the account and the first app's stay", async () => {
  const { first, second } = await person(true)
  await signIn(first)
  const mp2 = await signIn(second)
  const page = await mp2.open('pages/delete/unlink')
  await page.find('unlink-notice')
  expect(await page.text('unlink-apps')).toContain('2 个小程序')
  await page.tap('unlink-confirm')
  // nothing happens before the tick
  expect(await openidIdentities()).toHaveLength(2)
  await page.tap('unlink-understood')
  await page.find('unlink-understood-checked')
  await page.tap('unlink-confirm')
  await page.find('unlink-done')
  expect((await openidIdentities()).map((i) => i.appid)).toEqual([emulator().appid])
  expect(await users()).toHaveLength(1)
})

test('unlinking the only app of an account says it is a deletion, and deletes it', async () => {
  const { second } = await person(false)
  const mp = await signIn(second)
  const page = await mp.open('pages/delete/unlink')
  await page.find('unlink-is-deletion')
  expect(await page.text('unlink-is-deletion')).toContain('注销你的整个账号')
  await page.tap('unlink-understood')
  await page.find('unlink-understood-checked')
  await page.tap('unlink-confirm')
  await eventually(async () => expect(await users()).toEqual([]))
  expect(await documents(emulator(), 'identities')).toEqual([])
  // the receipt waits on the deletion page (kept on the device once the reply arrived)
  await eventually(() => expect(mp.runtime.wx.getStorageSync('weauth:deletion-receipt')).toBeTruthy())
  expect(mp.runtime.wx.getStorageSync('weauth:session')).toBe('')
  const receipt = await mp.open('pages/delete/index')
  await receipt.find('delete-receipt')
})

test('the deletion page says the whole account, every mini program, is removed', async () => {
  const { first } = await person(true)
  const mp = await signIn(first)
  const page = await mp.open('pages/delete/index')
  expect(await page.text('delete-scope')).toContain('所有小程序')
})
