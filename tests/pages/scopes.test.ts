import { useEmulator } from '../helpers/emulator'
import { HTTP_WEAPP_DIST, useAuthServer } from '../helpers/http-auth'
import { consentAndAuthorize, eventually, launch, type MiniProgram, type PageHandle } from '../helpers/miniprogram'

/** The authorization-scope center (src/pages/scopes) on the compiled weapp, with the emulator's simulated user. */
const emulator = useEmulator()
const authServer = useAuthServer(emulator)

async function openScopes(
  choices: Record<string, 'allow' | 'deny'> = {},
): Promise<{ mp: MiniProgram; page: PageHandle }> {
  const account = await emulator().accounts.create()
  const mp = await launch({ emulator: emulator(), account, choices: { scopes: choices } })
  const page = await mp.open('pages/scopes/index')
  await page.find('scopes')
  return { mp, page }
}

const settingOf = (mp: MiniProgram) => Object.fromEntries(mp.runtime.state.settings)
const stateText = (page: PageHandle, key: string) => page.text(`scope-${key}-state`)

describe('scope center: grant, deny, settings', () => {
  test('lists every scope the app uses with its state from getSetting: nothing asked yet', async () => {
    const { mp, page } = await openScopes()
    for (const key of ['userLocation', 'writePhotosAlbum', 'camera', 'record', 'werun']) {
      expect(await stateText(page, key)).toContain('未询问')
    }
    // background location is never asked in a popup: it is off, not "not asked" and never "denied"
    expect(await stateText(page, 'userLocationBackground')).toContain('未开启')
    expect(mp.runtime.state.calls).toContain('getSetting')
    expect(mp.runtime.state.calls).not.toContain('authorize')
    // background location has no popup: it only offers the settings page
    expect(page.has('scope-userLocationBackground-request')).toBe(false)
    expect(page.has('scope-userLocationBackground-settings')).toBe(true)
  })

  test('grant: authorize asks once, the user allows, the row shows 已允许', async () => {
    const { mp, page } = await openScopes({ 'scope.writePhotosAlbum': 'allow' })
    await page.tap('scope-writePhotosAlbum-request')
    await eventually(async () => expect(await stateText(page, 'writePhotosAlbum')).toContain('已允许'))
    expect(settingOf(mp)).toEqual({ 'scope.writePhotosAlbum': true })
    expect(await page.text('scopes-message')).toContain('已允许「保存到相册」')
    expect(page.has('scope-writePhotosAlbum-request')).toBe(false)
    expect(page.has('scope-writePhotosAlbum-settings')).toBe(false)
  })

  test('deny: the row shows 已拒绝 and offers the settings page instead of asking again', async () => {
    const { mp, page } = await openScopes({ 'scope.camera': 'deny' })
    await page.tap('scope-camera-request')
    await eventually(async () => expect(await stateText(page, 'camera')).toContain('已拒绝'))
    expect(settingOf(mp)['scope.camera']).toBe(false)
    expect(await page.text('scopes-message')).toContain('去设置')
    expect(page.has('scope-camera-request')).toBe(false)
    await page.find('scope-camera-settings')
    // WeChat never asks again once denied: authorize fails at once
    await expect(mp.runtime.wx.authorize({ scope: 'scope.camera' })).rejects.toMatchObject({
      errMsg: 'authorize:fail auth deny',
    })
  })

  test('re-open settings after a deny: the user switches it on in openSetting and the row follows', async () => {
    const { mp, page } = await openScopes({ 'scope.record': 'deny' })
    await page.tap('scope-record-request')
    await page.find('scope-record-settings')
    mp.runtime.state.choices.scopes['scope.record'] = 'allow' // what the user does on the settings page
    await page.tap('scope-record-settings')
    await eventually(async () => expect(await stateText(page, 'record')).toContain('已允许'))
    expect(await page.text('scopes-message')).toBe('已开启「麦克风」')
    expect(mp.runtime.state.calls).toContain('openSetting')
    expect(settingOf(mp)['scope.record']).toBe(true)
    expect(page.has('scope-record-settings')).toBe(false)
  })

  test('the settings page left as it was says so, not 授权设置已更新', async () => {
    const { page } = await openScopes({ 'scope.camera': 'deny' })
    await page.tap('scope-camera-request')
    await page.find('scope-camera-settings')
    await page.tap('scope-camera-settings')
    await eventually(async () => expect(await page.text('scopes-message')).toBe('授权设置没有变化'))
  })

  test('revoke: a scope switched off outside the page reads as 已拒绝 when the page shows again', async () => {
    const { mp, page } = await openScopes()
    await page.tap('scope-werun-request')
    await eventually(async () => expect(await stateText(page, 'werun')).toContain('已允许'))
    mp.runtime.location.revoke('scope.werun')
    const again = await mp.open('pages/scopes/index')
    await eventually(async () => expect(await stateText(again, 'werun')).toContain('已拒绝'))
    await again.find('scope-werun-settings')
  })

  test('the user center links to the scope center', async () => {
    const account = await emulator().accounts.create()
    // the pages are the same in both builds; the http one needs no cloud database to sign in
    const first = await launch({ emulator: emulator(), account, dist: HTTP_WEAPP_DIST, request: authServer.request })
    const auth = await first.open('pages/auth/index')
    await consentAndAuthorize(auth)
    await auth.find('auth-success')
    const mp = await launch({
      emulator: emulator(),
      account,
      dist: HTTP_WEAPP_DIST,
      request: authServer.request,
      device: first.runtime.device,
    })
    const center = await mp.open('pages/user/index')
    await center.tap('user-scopes')
    expect(mp.runtime.state.navigations).toContainEqual({
      kind: 'navigateTo',
      url: '/pages/scopes/index',
      delta: undefined,
    })
  })
})

describe('scope center: background location demo', () => {
  test('denied until set in the settings page; then updates arrive in the background; stop ends them', async () => {
    const { mp, page } = await openScopes({ 'scope.userLocation': 'allow' })
    await page.tap('bg-start')
    // the foreground scope is asked in a popup; background location never is
    await page.find('bg-guide')
    expect(await page.text('bg-status')).toContain('未开启后台定位')
    expect(settingOf(mp)).toMatchObject({ 'scope.userLocation': true, 'scope.userLocationBackground': false })
    // listed off in the settings page, but the user was never asked: not 已拒绝
    expect(await stateText(page, 'userLocationBackground')).toContain('未开启')
    expect(await stateText(page, 'userLocationBackground')).not.toContain('已拒绝')
    expect(mp.runtime.location.status().mode).toBe('off')

    // on the settings page the user picks 使用小程序期间和离开小程序后
    mp.runtime.state.choices.scopes['scope.userLocationBackground'] = 'allow'
    await page.tap('bg-settings')
    await eventually(async () => expect(await page.text('bg-status')).toContain('后台定位中'))
    expect(mp.runtime.state.calls).toEqual(
      expect.arrayContaining(['openSetting', 'startLocationUpdateBackground', 'onLocationChange']),
    )
    expect(mp.runtime.location.status()).toMatchObject({ mode: 'background', listeners: 1 })
    await eventually(async () => expect(await stateText(page, 'userLocationBackground')).toContain('已允许'))

    // the user leaves the mini program and walks: updates keep coming
    mp.runtime.location.enterBackground()
    expect(mp.runtime.location.move({ latitude: 31.2304, longitude: 121.4737 })).toBe(true)
    expect(mp.runtime.location.move({ latitude: 31.231, longitude: 121.474 })).toBe(true)
    mp.runtime.location.enterForeground()
    await eventually(async () => expect(await page.text('bg-position')).toContain('31.231000, 121.474000'))
    expect(await page.text('bg-status')).toContain('已收到 2 次位置更新')

    await page.tap('bg-stop')
    await eventually(async () => expect(await page.text('bg-status')).toBe('未开启'))
    expect(mp.runtime.location.status()).toMatchObject({ mode: 'off', listeners: 0 })
    expect(mp.runtime.location.move({ latitude: 30, longitude: 120 })).toBe(false)
  })

  test('revoking background location while it runs stops background delivery', async () => {
    const { mp, page } = await openScopes({ 'scope.userLocation': 'allow', 'scope.userLocationBackground': 'allow' })
    mp.runtime.state.settings.set('scope.userLocation', true)
    mp.runtime.state.settings.set('scope.userLocationBackground', true)
    await page.tap('bg-start')
    await eventually(async () => expect(await page.text('bg-status')).toContain('后台定位中'))
    mp.runtime.location.revoke('scope.userLocationBackground')
    mp.runtime.location.enterBackground()
    expect(mp.runtime.location.move({ latitude: 22.5, longitude: 114.05 })).toBe(false)
    expect(mp.runtime.location.status().mode).toBe('foreground')
  })
})
