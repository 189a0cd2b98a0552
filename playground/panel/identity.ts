import type { WeChatAccount } from '../../emulator/src/accounts/account'
import { control, createAccount, listAccounts } from './control'
import { byId, el } from './dom'
import { deviceKey, readSettings, writeSettings } from '../shared/settings'

const describe = (a: WeChatAccount) => `${a.nickName} · ${a.phoneNumber ?? 'no phone'} · ${a.openid.slice(-6)}`

/**
 * Who is signed in to the simulated WeChat: pick an existing test user or create one. The app's phone is
 * relaunched on every switch (`onSwitch`), with that user's own device storage.
 */
export function identitySection(onSwitch: (label: string) => void) {
  const select = byId<HTMLSelectElement>('identity-select')
  let accounts: WeChatAccount[] = []

  const use = (account: WeChatAccount) => {
    writeSettings({ ...readSettings(), account: { openid: account.openid, token: account.token } })
    select.value = account.openid
    onSwitch(account.nickName)
  }
  const render = () => {
    select.replaceChildren(...accounts.map((a) => el('option', { value: a.openid }, describe(a))))
    const current = readSettings().account
    if (current) select.value = current.openid
  }
  const current = () => accounts.find((a) => a.openid === readSettings().account?.openid)

  select.addEventListener('change', () => {
    const account = accounts.find((a) => a.openid === select.value)
    if (account) use(account)
  })
  byId<HTMLFormElement>('identity-create').addEventListener('submit', (event) => {
    event.preventDefault()
    const nickName = byId<HTMLInputElement>('identity-nickname').value.trim() || `测试用户${accounts.length + 1}`
    const phone = byId<HTMLInputElement>('identity-phone').value.trim()
    // an empty phone field: WeChat has a (random) number bound; "none": no number bound at all
    void createAccount({ nickName, phoneNumber: phone === 'none' ? null : phone || undefined }).then(
      async (account) => {
        accounts = await listAccounts()
        render()
        use(account)
      },
      alert,
    )
  })
  byId('phone-expire-session').addEventListener('click', () => {
    const account = current()
    if (account)
      void control('accounts.expireSession', { openid: account.openid }).then(() => onSwitch(account.nickName), alert)
  })
  byId('phone-forget-device').addEventListener('click', () => {
    const account = current()
    if (!account) return
    localStorage.removeItem(deviceKey(account.openid))
    onSwitch(account.nickName)
  })
  byId('phone-relaunch').addEventListener('click', () => onSwitch(current()?.nickName ?? ''))

  return {
    /** makes sure a known user is signed in (the first one, or a new one after a reset) and launches the app */
    async start(): Promise<void> {
      accounts = await listAccounts()
      let account = current() ?? accounts[0]
      if (!account) {
        account = await createAccount({ nickName: '测试用户1' })
        accounts = [account]
      }
      render()
      use(account)
    },
  }
}
