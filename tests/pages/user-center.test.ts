import { useEmulator } from '../helpers/emulator'
import {
  consentAndAuthorize,
  eventually,
  submitProfile,
  type MiniProgram,
  type PageHandle,
} from '../helpers/miniprogram'
import { usePageBackends, type PageBackend } from '../helpers/page-backends'
import { NOTICES } from '../../packages/contract/messages'

const emulator = useEmulator()
const backends = usePageBackends(emulator)

type Choices = Parameters<PageBackend['launch']>[0]['choices']

/** Logs a new simulated user in through the authorization page and returns the open auth page. */
async function signIn(backend: PageBackend, options: { phoneNumber?: string; choices?: Choices } = {}) {
  const account = await emulator().accounts.create({ phoneNumber: options.phoneNumber })
  const mp = await backend.launch({ account, choices: options.choices })
  const auth = await mp.open('pages/auth/index')
  await consentAndAuthorize(auth)
  await auth.find('auth-success')
  const record = await eventually(async () => {
    const r = await backend.user(account.openid)
    expect(r).toBeDefined()
    return r!
  })
  return { account, mp, auth, record }
}

/** Answers WeChat's privacy guide on the page's consent sheet, as the user would. */
async function answerPrivacySheet(page: PageHandle, answer: 'agree' | 'disagree') {
  await page.find('privacy-sheet')
  if (answer === 'agree') await page.trigger('privacy-agree', 'agreeprivacyauthorization', {})
  else await page.tap('privacy-disagree')
}

async function chooseAvatar(mp: MiniProgram, page: PageHandle, privacy?: 'agree' | 'disagree') {
  const detail = mp.runtime.openType.chooseAvatar()
  if (privacy) await answerPrivacySheet(page, privacy)
  const chosen = await detail
  if (chosen) await page.trigger('profile-avatar', 'chooseavatar', chosen)
  return chosen
}

describe.each(backends)('profile fill-in behind the privacy guide (%s backend)', (_name, backend) => {
  test('declining the privacy sheet requests nothing; agreeing lets the avatar and nickname be saved', async () => {
    const { mp, auth, record, account } = await signIn(backend)
    expect(await chooseAvatar(mp, auth, 'disagree')).toBeNull()
    await eventually(() => expect(auth.has('privacy-sheet')).toBe(false))
    expect(auth.has('profile-avatar-image')).toBe(false)
    // the refusal is answered kindly; WeChat asks again only after 10 s (the simulated clock moves on here)
    await auth.find('privacy-refused')
    mp.runtime.state.privacyRefusedUntil = undefined

    expect(await chooseAvatar(mp, auth, 'agree')).not.toBeNull()
    await auth.find('profile-avatar-image')
    await auth.trigger('profile-nickname', 'input', { value: '小红' })
    await submitProfile(auth, '小红')

    const saved = await eventually(async () => {
      const r = await backend.user(account.openid)
      expect(r?.nickName).toBe('小红')
      return r!
    })
    expect(saved.avatar).toMatch(backend.avatarPattern(record.id))
    expect(await backend.avatarFiles(record.id)).toBe(1)
    // done: back to the page that asked
    await eventually(() => expect(mp.runtime.state.navigations.map((n) => n.kind)).toContain('reLaunch'))
  })

  test("a risky nickname is refused on the page with WeChat's verdict, and nothing is kept", async () => {
    backend.refuseWords(['坏词'])
    const { mp, auth, record, account } = await signIn(backend)
    await chooseAvatar(mp, auth, 'agree')
    await auth.trigger('profile-nickname', 'input', { value: '坏词大王' })
    await submitProfile(auth, '坏词大王')
    expect(await auth.text('profile-error')).toContain('不合规')
    expect(await backend.user(account.openid)).toMatchObject({ nickName: '', avatar: '' })
    // the avatar uploaded for the refused save was removed again
    await eventually(async () => expect(await backend.avatarFiles(record.id)).toBe(0))
  })
})

describe.each(backends)('user center (%s backend)', (_name, backend) => {
  async function openUserCenter(options: Parameters<typeof signIn>[1] = {}) {
    const session = await signIn(backend, options)
    const page = await session.mp.open('pages/user/index')
    await page.find('user-center')
    return { ...session, page }
  }

  async function tapPhoneButton(mp: MiniProgram, page: PageHandle, privacy?: 'agree' | 'disagree') {
    const detail = mp.runtime.openType.getPhoneNumber()
    if (privacy) await answerPrivacySheet(page, privacy)
    await page.trigger('user-bind-phone', 'getphonenumber', await detail)
  }

  test('phone granted: the number is bound server-side and shown masked', async () => {
    const { mp, page, account } = await openUserCenter({ phoneNumber: '13812345678' })
    expect(await page.text('user-phone')).toContain('未绑定')
    expect(await page.text('user-bind-phone')).toBe('绑定手机号')
    await tapPhoneButton(mp, page, 'agree')
    await eventually(async () => expect(await page.text('user-phone')).toContain('138****5678'))
    expect(await page.text('user-message')).toBe(NOTICES.PHONE_BOUND)
    expect(await page.text('user-bind-phone')).toBe('更换手机号')
    expect((await backend.user(account.openid))?.phoneNumber).toBe('13812345678')
  })

  test('phone on an old base library (before 2.21.2): the CloudID is resolved server-side, never decrypted on the device', async () => {
    const account = await emulator().accounts.create({ phoneNumber: '13655556666' })
    const mp = await backend.launch({ account, baseLibrary: '2.20.0' })
    const auth = await mp.open('pages/auth/index')
    await consentAndAuthorize(auth)
    await auth.find('auth-success')
    const page = await mp.open('pages/user/index')
    await page.find('user-center')
    const detail = await mp.runtime.openType.getPhoneNumber()
    expect(detail).toMatchObject({ errMsg: 'getPhoneNumber:ok', cloudID: expect.any(String) })
    expect(detail).not.toHaveProperty('code')
    await page.trigger('user-bind-phone', 'getphonenumber', detail)
    await eventually(async () => expect(await page.text('user-phone')).toContain('136****6666'))
    // no real-time verification on this base library: the same button, relabelled
    expect(await page.text('user-bind-phone')).toBe('更换手机号')
    expect((await backend.user(account.openid))?.phoneNumber).toBe('13655556666')
  })

  test('phone denied: a clear message and no change', async () => {
    const { mp, page, account } = await openUserCenter({ phoneNumber: '13812345678', choices: { phoneNumber: 'deny' } })
    await tapPhoneButton(mp, page, 'agree')
    expect(await page.text('user-message')).toContain('取消手机号授权')
    expect((await backend.user(account.openid))?.phoneNumber).toBeNull()
  })

  test('phone error: a reused code gets its own message', async () => {
    const { mp, page, account } = await openUserCenter({ phoneNumber: '13812345678' })
    const detail = mp.runtime.openType.getPhoneNumber()
    await answerPrivacySheet(page, 'agree')
    const used = await detail
    await page.trigger('user-bind-phone', 'getphonenumber', used)
    await eventually(async () => expect(await page.text('user-phone')).toContain('138****5678'))
    // a bound number is changed through real-time verification (2.24.4+): same code exchange, same refusal
    await page.trigger('user-bind-phone', 'getrealtimephonenumber', used)
    await eventually(async () => expect(await page.text('user-message')).toContain('已使用'))
    expect((await backend.user(account.openid))?.phoneNumber).toBe('13812345678')
  })

  test('signed out, the user center offers sign-in and comes back to itself after it', async () => {
    const account = await emulator().accounts.create()
    const mp = await backend.launch({ account })
    const page = await mp.open('pages/user/index')
    await page.tap('user-login')
    expect(page.has('user-center')).toBe(false)
    expect(mp.runtime.state.navigations.at(-1)).toMatchObject({
      kind: 'navigateTo',
      url: '/pages/auth/index?redirect=/pages/user/index',
    })
  })

  test('editing the profile opens the form in place; saving shows the new name and says so, cancelling changes nothing', async () => {
    const { page, account } = await openUserCenter()
    expect(await page.text('user-nickname')).toBe(NOTICES.NICKNAME_UNSET)
    await page.tap('user-edit')
    await page.tap('profile-cancel')
    await page.find('user-edit')
    expect(page.has('profile-form')).toBe(false)

    await page.tap('user-edit')
    await page.find('profile-form')
    await submitProfile(page, '小蓝')
    expect(await page.text('user-profile-message')).toBe(NOTICES.PROFILE_SAVED)
    expect((await backend.user(account.openid))?.nickName).toBe('小蓝')
    expect(await page.text('user-nickname')).toBe('小蓝')
    // the avatar tile shows the name's first character until a picture is chosen
    expect(await page.text('user-center')).toMatch(/^\s*小/)
    expect(page.has('profile-form')).toBe(false)
    // the next action clears the last one's line
    await page.tap('user-edit')
    await eventually(() => expect(page.has('user-profile-message')).toBe(false))
    await page.find('profile-form')
  })

  test('log out clears the device state; the next launch starts logged out and a new login is a fresh round trip', async () => {
    const { mp, page, account } = await openUserCenter()
    await page.tap('user-logout')
    expect(mp.runtime.wx.getStorageSync('weauth:session')).toBe('')
    expect(mp.runtime.state.navigations.at(-1)).toMatchObject({ kind: 'reLaunch', url: '/pages/index/index' })

    const next = await backend.launch({ account, device: mp.runtime.device })
    const home = await next.open('pages/index/index')
    await home.find('home-login')
    expect(backend.backendCalls(next.runtime.state.calls)).toHaveLength(0)
  })

  test('delete account: the notice page asks for an explicit confirmation, then removes everything and keeps a receipt until dismissed', async () => {
    // a profile with an avatar first, so there is a stored file to delete
    const { mp, auth, record, account } = await signIn(backend, { phoneNumber: '13812345678' })
    await chooseAvatar(mp, auth, 'agree')
    await auth.trigger('profile-nickname', 'input', { value: '再见' })
    await submitProfile(auth, '再见')
    await eventually(async () => expect((await backend.user(account.openid))?.nickName).toBe('再见'))
    expect(await backend.avatarFiles(record.id)).toBe(1)
    const page = await mp.open('pages/user/index')
    await page.find('user-center')
    await page.find('user-avatar')
    expect(await page.text('user-nickname')).toBe('再见')
    await page.tap('user-delete')
    expect(mp.runtime.state.navigations.at(-1)).toMatchObject({ kind: 'navigateTo', url: '/pages/delete/index' })

    const notice = await mp.open('pages/delete/index')
    await notice.find('delete-notice')
    // not confirmed yet: the button does nothing
    await notice.tap('delete-confirm')
    expect(await backend.user(account.openid)).toBeDefined()
    await notice.tap('delete-understood')
    await notice.find('delete-understood-checked')
    await notice.tap('delete-confirm')
    await notice.find('delete-receipt')
    const items = await notice.text('delete-receipt-items')
    expect(items).toContain('账号记录')
    expect(items).toContain('昵称')
    expect(items).toContain('头像文件 1 个')
    expect(await notice.text('delete-receipt-time')).toMatch(/注销时间：\d{4}-\d{2}-\d{2} \d{2}:\d{2}/)
    expect(await backend.user(account.openid)).toBeUndefined()
    expect(await backend.avatarFiles(record.id)).toBe(0)
    expect(mp.runtime.wx.getStorageSync('weauth:session')).toBe('')

    // the receipt survives a relaunch until it is dismissed
    const next = await backend.launch({ account, device: mp.runtime.device })
    const again = await next.open('pages/delete/index')
    await again.find('delete-receipt')
    await again.tap('delete-receipt-dismiss')
    const last = await backend.launch({ account, device: next.runtime.device })
    const gone = await last.open('pages/delete/index')
    await gone.find('delete-signed-out')
  })

  test('unlinking the only mini program of the account says it is a deletion, and deletes it with the receipt', async () => {
    const { mp, page, account } = await openUserCenter()
    await page.tap('user-unlink')
    expect(mp.runtime.state.navigations.at(-1)).toMatchObject({ kind: 'navigateTo', url: '/pages/delete/unlink' })
    const unlink = await mp.open('pages/delete/unlink')
    await unlink.find('unlink-is-deletion')
    expect(await unlink.text('unlink-is-deletion')).toContain('注销你的整个账号')
    // not confirmed yet: the button does nothing
    await unlink.tap('unlink-confirm')
    expect(await backend.user(account.openid)).toBeDefined()
    await unlink.tap('unlink-understood')
    await unlink.find('unlink-understood-checked')
    await unlink.tap('unlink-confirm')
    await eventually(async () => expect(await backend.user(account.openid)).toBeUndefined())
    await eventually(() => expect(mp.runtime.wx.getStorageSync('weauth:deletion-receipt')).toBeTruthy())
    expect(mp.runtime.wx.getStorageSync('weauth:session')).toBe('')
    const receipt = await mp.open('pages/delete/index')
    await receipt.find('delete-receipt')
    expect(await receipt.text('delete-receipt-items')).toContain('账号记录')
  })
})
