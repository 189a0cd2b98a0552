import { callFunction, documents, useEmulator } from '../helpers/emulator'
import type { WeChatAccount } from '../../emulator/src'

/**
 * One person, one account across the organisation's mini programs: the owner's app signs in by OPENID/UNIONID,
 * a second app through resource sharing by FROM_OPENID/FROM_UNIONID (packages/cloud-kit/accounts.ts, merge.ts).
 */
const emulator = useEmulator()
const SECOND = 'wxsecond0000000001'

beforeEach(async () => {
  await emulator().reset()
  emulator().openPlatform.share(SECOND)
})

const bindSecond = () => emulator().openPlatform.bind('weauth-open-platform', [SECOND])
const login = (device: WeChatAccount) => callFunction(emulator(), device, 'login')
const identities = async () => (await documents(emulator(), 'identities')).filter((d) => d.kind === 'openid')
const accounts = () => documents(emulator(), 'users')

test('the same person in two mini programs of one Open Platform account signs into one account', async () => {
  await bindSecond()
  const first = await emulator().accounts.create()
  const second = await emulator().accounts.create({ appid: SECOND, sameAs: first.openid })
  const a = await login(first)
  const b = await login(second)
  expect(a).toMatchObject({ ok: true, isNew: true })
  expect(b).toMatchObject({ ok: true, isNew: false, user: { id: a.user.id, loginCount: 2 } })
  expect(await accounts()).toHaveLength(1)
  const ids = await identities()
  expect(ids.map((i) => [i.appid, i.openid, i.userId]).sort()).toEqual(
    [
      [emulator().appid, first.openid, a.user.id],
      [SECOND, second.openid, a.user.id],
    ].sort(),
  )
  // the public view names neither openid nor unionid
  const reply = JSON.stringify([a, b])
  for (const secret of [first.openid, second.openid, first.unionid!]) expect(reply).not.toContain(secret)
})

test("the sharing app's identity is its FROM_OPENID/FROM_APPID, never the owner's", async () => {
  await bindSecond()
  const person = await emulator().accounts.create()
  const sharing = await emulator().accounts.create({ appid: SECOND, sameAs: person.openid })
  expect(await login(sharing)).toMatchObject({ ok: true, isNew: true })
  const [identity] = await identities()
  expect(identity).toMatchObject({ appid: SECOND, openid: sharing.openid })
  const [user] = await accounts()
  expect(user).toMatchObject({ _openid: sharing.openid, appid: SECOND, unionid: person.unionid })
  // the other functions find the account from the sharing app too
  expect(await callFunction(emulator(), sharing, 'consent', { action: 'withdraw' })).toMatchObject({ ok: true })
})

test('an app bound to no Open Platform account: the same person gets a separate account', async () => {
  const first = await emulator().accounts.create()
  const unbound = await emulator().accounts.create({ appid: SECOND, sameAs: first.openid })
  expect(unbound.unionid).toBeUndefined()
  const a = await login(first)
  const b = await login(unbound)
  expect(b.isNew).toBe(true)
  expect(b.user.id).not.toBe(a.user.id)
  expect(await accounts()).toHaveLength(2)
})

test('50 concurrent first logins split across two apps leave one account with two identities', async () => {
  await bindSecond()
  const first = await emulator().accounts.create()
  const second = await emulator().accounts.create({ appid: SECOND, sameAs: first.openid })
  const replies = await Promise.all(Array.from({ length: 50 }, (_, i) => login(i % 2 ? second : first)))
  expect(replies.every((r) => r.ok)).toBe(true)
  expect(new Set(replies.map((r) => r.user.id)).size).toBe(1)
  expect(replies.filter((r) => r.isNew)).toHaveLength(1)
  const users = await accounts()
  expect(users).toHaveLength(1)
  expect(users[0].loginCount).toBe(50)
  expect((await identities()).map((i) => i.appid).sort()).toEqual([emulator().appid, SECOND].sort())
  expect((await documents(emulator(), 'identities')).filter((d) => d.kind === 'unionid')).toHaveLength(1)
})

test('deleting the account removes every identity, from whichever app it is asked', async () => {
  await bindSecond()
  const first = await emulator().accounts.create()
  const second = await emulator().accounts.create({ appid: SECOND, sameAs: first.openid })
  await login(first)
  await login(second)
  const reply = await callFunction(emulator(), second, 'deleteAccount', { confirm: true })
  expect(reply).toMatchObject({ ok: true, deleted: { users: 1 } })
  expect(await accounts()).toEqual([])
  expect(await documents(emulator(), 'identities')).toEqual([])
  // signing in again from either app starts a new account
  expect(await login(first)).toMatchObject({ ok: true, isNew: true })
})

describe('merging an openid-only account into its unionid account', () => {
  /** The owner's app signs in with a unionid; the second app, not yet bound, makes an openid-only account. */
  async function twoAccounts() {
    const first = await emulator().accounts.create()
    const second = await emulator().accounts.create({ appid: SECOND, sameAs: first.openid })
    const survivor = await login(first)
    await callFunction(emulator(), second, 'consent', { action: 'withdraw' }).catch(() => undefined)
    const merged = await login(second)
    await login(second)
    expect(merged.user.id).not.toBe(survivor.user.id)
    await bindSecond()
    return { first, second, survivorId: survivor.user.id as string, mergedId: merged.user.id as string }
  }

  async function expectConverged(survivorId: string, mergedId: string) {
    const users = await accounts()
    expect(users.map((u) => u._id)).toEqual([survivorId])
    expect(users[0]).toMatchObject({ loginCount: 1 + 2 + 1, mergedFrom: [mergedId] })
    expect(new Set((await identities()).map((i) => i.userId))).toEqual(new Set([survivorId]))
    expect(await identities()).toHaveLength(2)
    const merges = await documents(emulator(), 'accountMerges')
    expect(merges).toEqual([expect.objectContaining({ from: mergedId, into: survivorId, state: 'done', source: null })])
  }

  test('is deterministic: the unionid account survives, counts are summed, the merge is recorded', async () => {
    const { second, survivorId, mergedId } = await twoAccounts()
    const reply = await login(second)
    expect(reply).toMatchObject({ ok: true, isNew: false, user: { id: survivorId, loginCount: 4 } })
    await expectConverged(survivorId, mergedId)
    // idempotent: signing in again changes nothing but the count
    expect(await login(second)).toMatchObject({ ok: true, user: { id: survivorId, loginCount: 5 } })
    expect(await accounts()).toHaveLength(1)
  })

  test('a fault at any step of the merge leaves a state the next login completes', async () => {
    let faultHit = true
    let step = 0
    for (; faultHit; step++) {
      await emulator().reset()
      emulator().openPlatform.share(SECOND)
      const { second, survivorId, mergedId } = await twoAccounts()
      emulator().faults.add({
        service: 'database',
        after: step,
        times: 1,
        error: { code: 'DATABASE_REQUEST_FAILED', message: 'injected crash' },
      })
      const first = await login(second)
      faultHit = emulator().faults.list().length === 0
      emulator().faults.clear()
      if (faultHit) expect(first).toMatchObject({ ok: false, code: 'UPSTREAM' })
      const next = await login(second)
      expect(next).toMatchObject({ ok: true, user: { id: survivorId } })
      const users = await accounts()
      expect(users.map((u) => u._id)).toEqual([survivorId])
      expect(users[0].mergedFrom).toEqual([mergedId])
      expect(new Set((await identities()).map((i) => i.userId))).toEqual(new Set([survivorId]))
      expect((await documents(emulator(), 'accountMerges'))[0]).toMatchObject({ state: 'done', source: null })
      expect(step).toBeLessThan(40)
    }
    // every database request of the merging login was made to fail once (the last run passed untouched)
    expect(step).toBeGreaterThanOrEqual(10)
  })
})
