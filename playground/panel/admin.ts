import { maskPhone } from '../../packages/contract/user-view'
import { cloudFileUrl } from '../shared/cloud-file'
import { control } from './control'
import { byId, el } from './dom'

/** A users record as the control API's database.dump returns it (dates as ISO strings or EJSON). */
interface UserDocument {
  _id: string
  _openid: string
  nickName?: string
  avatarFileId?: string
  phoneNumber?: string | null
  countryCode?: string | null
  createdAt?: unknown
  lastLoginAt?: unknown
  loginCount?: number
  privacyConsentAt?: unknown
  privacyConsentVersion?: string | null
  status?: string
}

const REFRESH_MS = 1500

function time(value: unknown): string {
  const raw = value && typeof value === 'object' && '$date' in value ? (value as { $date: unknown }).$date : value
  const date = new Date(raw as string | number)
  if (!raw || Number.isNaN(date.getTime())) return '—'
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
}

/** An account's mini programs, from the `identities` collection (packages/cloud-kit/accounts.ts): appids only. */
type AppsByAccount = Map<string, string[]>

function row(user: UserDocument, apps: AppsByAccount): HTMLTableRowElement {
  const linked = apps.get(user._id) ?? []
  const avatar = user.avatarFileId ? cloudFileUrl(user.avatarFileId) : null
  return el(
    'tr',
    { 'data-openid': user._openid, class: 'users__row' },
    el('td', {}, avatar ? el('img', { src: avatar, alt: '' }) : el('span', { class: 'avatar' })),
    el('td', { class: 'users__nickname' }, user.nickName || '—'),
    // the admin view shows what the app shows: the number masked, never in full
    el('td', { class: 'users__phone' }, maskPhone(user.phoneNumber, user.countryCode) ?? '—'),
    el('td', { class: 'users__created' }, time(user.createdAt)),
    el('td', { class: 'users__last-login' }, time(user.lastLoginAt)),
    el('td', { class: 'users__logins' }, String(user.loginCount ?? 0)),
    // consent is a version accepted by a tap, or nothing (never accepted, or withdrawn)
    el(
      'td',
      { class: 'users__consent' },
      user.privacyConsentAt && user.privacyConsentVersion ? `yes (${user.privacyConsentVersion})` : 'no',
    ),
    // one account, one identity per mini program it is signed into from
    el(
      'td',
      { class: 'users__apps' },
      el('strong', {}, String(linked.length)),
      ...linked.map((appid) => el('div', { class: 'muted' }, appid)),
    ),
  )
}

/**
 * The `users` collection of the emulated database, refreshed while the page is open, and a reset of all
 * emulator data (database, storage, simulated WeChat users); `onReset` then starts over with a new user.
 */
export function adminSection(onReset: () => Promise<void>): { refresh(): Promise<void> } {
  const body = byId('admin-users')
  const status = byId('admin-status')
  const refresh = async () => {
    try {
      const { documents } = await control<{ documents: UserDocument[] }>('database.dump', { collection: 'users' })
      const { documents: identities } = await control<{
        documents: Array<{ kind: string; userId: string; appid?: string }>
      }>('database.dump', { collection: 'identities' })
      const apps: AppsByAccount = new Map()
      for (const i of identities)
        if (i.kind === 'openid' && i.appid) apps.set(i.userId, [...(apps.get(i.userId) ?? []), i.appid])
      const users = [...documents].sort((a, b) => time(b.createdAt).localeCompare(time(a.createdAt)))
      body.replaceChildren(
        ...(users.length
          ? users.map((u) => row(u, apps))
          : [el('tr', {}, el('td', { colspan: '8', class: 'empty' }, 'No users yet: sign in from the phone'))]),
      )
      status.textContent = `${users.length} user${users.length === 1 ? '' : 's'} · refreshed ${time(Date.now())}`
    } catch (e) {
      status.textContent = `could not read the users collection: ${(e as Error).message}`
    }
  }
  byId('admin-reset').addEventListener('click', () => {
    if (!confirm('Delete every user, file and simulated WeChat account in the emulator?')) return
    void control('reset')
      .then(onReset)
      .then(refresh, (e: Error) => (status.textContent = `reset failed: ${e.message}`))
  })
  setInterval(() => void (document.hidden ? undefined : refresh()), REFRESH_MS)
  void refresh()
  return { refresh }
}
