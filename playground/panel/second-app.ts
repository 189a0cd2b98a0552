import type { WeChatAccount } from '../../emulator/src/accounts/account'
import { control, listAccounts } from './control'
import { byId } from './dom'
import { readSettings, SECOND_APPID, writeSettings } from '../shared/settings'

/** The Open Platform account the emulator's own appid belongs to (emulator/src/accounts/open-platform.ts). */
const OPEN_PLATFORM = 'weauth-open-platform'
const TITLE_REFRESH_MS = 250

/**
 * The second mini program, side by side with the first: the same H5 pages in a second phone frame (`?app=second`),
 * run by the same person's device for a second appid. That appid shares this cloud environment (资源复用: its calls
 * carry FROM_APPID/FROM_OPENID/FROM_UNIONID, https://developers.weixin.qq.com/miniprogram/dev/wxcloud/guide/resource-sharing/guidance.html)
 * and is bound to the same Open Platform account, so WeChat gives the person the same unionid in both apps and
 * they sign in to one account with two identities (the admin view's "Mini programs" column).
 */
export function secondAppSection() {
  const phone = byId('second-phone')
  const frame = byId<HTMLIFrameElement>('second-app-frame')
  const status = byId('second-status')
  const open = byId<HTMLButtonElement>('second-open')
  const close = byId<HTMLButtonElement>('second-close')
  let launches = 0

  setInterval(() => {
    const title = frame.contentDocument?.title
    if (title && byId('second-title').textContent !== title) byId('second-title').textContent = title
  }, TITLE_REFRESH_MS)

  /** the person's device for the second app: created once, found again afterwards */
  async function deviceOf(first: WeChatAccount): Promise<WeChatAccount> {
    const existing = (await listAccounts()).find((a) => a.personId === first.personId && a.appid === SECOND_APPID)
    if (existing) return existing
    return (await control<{ account: WeChatAccount }>('accounts.create', { appid: SECOND_APPID, sameAs: first.openid }))
      .account
  }

  async function show(): Promise<void> {
    const current = readSettings().account
    const first = (await listAccounts()).find((a) => a.openid === current?.openid)
    if (!first) throw new Error('pick or create a WeChat user first')
    if (first.appid === SECOND_APPID) throw new Error('the user above is already the second app’s device')
    await control('environment.share', { appid: SECOND_APPID })
    await control('openPlatform.bind', { id: OPEN_PLATFORM, appids: [SECOND_APPID] })
    const device = await deviceOf(first)
    writeSettings({ ...readSettings(), second: { openid: device.openid, token: device.token, appid: SECOND_APPID } })
    byId('second-identity').textContent = device.nickName
    byId('second-appid').textContent = SECOND_APPID
    phone.hidden = false
    close.hidden = false
    frame.src = `/app/?app=second&launch=${++launches}#/pages/index/index`
    status.textContent = `${device.nickName} in ${SECOND_APPID}: openid …${device.openid.slice(-6)}, ${
      device.unionid ? 'the same unionid as in the first app' : 'no unionid'
    }`
  }

  open.addEventListener('click', () => void show().catch((e: Error) => (status.textContent = e.message)))
  close.addEventListener('click', () => {
    phone.hidden = true
    close.hidden = true
    frame.removeAttribute('src')
    writeSettings({ ...readSettings(), second: null })
    status.textContent = ''
  })

  return {
    /** the first phone switched to another person: the second app is theirs no more */
    reset(): void {
      if (!phone.hidden) close.click()
    },
  }
}
