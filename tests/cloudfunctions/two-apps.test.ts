import { adminSdk, callFunction, documents, useEmulator } from '../helpers/emulator'
import { CONSENT, storedPaths, uploadAs } from '../helpers/users'
import { PRIVACY_POLICY_VERSION } from '../../packages/contract/privacy-policy'
import type { WeChatAccount } from '../../emulator/src'

/**
 * One person in two mini programs of one Open Platform account: the owner's app, and a second app calling the
 * shared environment (FROM_*). phoneLogin, revocation pushes, consent and unlinking all act through the account's
 * identities (packages/cloud-kit/accounts.ts), never by `_openid` alone.
 */
const emulator = useEmulator()
const SECOND = 'wxsecond0000000002'

beforeEach(async () => {
  await emulator().reset()
  emulator().openPlatform.share(SECOND)
  await emulator().openPlatform.bind('weauth-open-platform', [SECOND])
})

async function person(phoneNumber = '13912340000') {
  const first = await emulator().accounts.create({ phoneNumber })
  const second = await emulator().accounts.create({ appid: SECOND, sameAs: first.openid })
  return { first, second }
}
const call = (who: WeChatAccount, name: string, data: Record<string, unknown> = {}) =>
  callFunction(emulator(), who, name, data)
const accounts = () => documents(emulator(), 'users')
const openidIdentities = async () => (await documents(emulator(), 'identities')).filter((d) => d.kind === 'openid')
const phoneCode = (who: WeChatAccount, phoneNumber = '13912340000') =>
  emulator().fixtures.issuePhoneCode(who.openid, { phoneNumber, countryCode: '86' })

describe('phoneLogin through the identities', () => {
  test('the same person via unionid lands in the same account, from either app', async () => {
    const { first, second } = await person()
    const a = await call(second, 'phoneLogin', { code: phoneCode(second), ...CONSENT })
    expect(a).toMatchObject({ ok: true, isNew: true })
    const b = await call(first, 'phoneLogin', { code: phoneCode(first), ...CONSENT })
    expect(b).toMatchObject({ ok: true, isNew: false, user: { id: a.user.id, loginCount: 2 } })
    expect(await accounts()).toHaveLength(1)
    expect((await openidIdentities()).map((i) => i.appid).sort()).toEqual([emulator().appid, SECOND].sort())
    // and login afterwards finds the same account
    expect(await call(first, 'login')).toMatchObject({ ok: true, user: { id: a.user.id } })
  })

  test('an identity claim left naming a deleted account id is stale: the login makes a fresh account', async () => {
    const { first } = await person()
    const db = adminSdk(emulator()).database()
    // what a login that read the identities just before a deletion would leave: a claim on the deleted id
    await db.collection('deletedAccounts').add({ data: { _id: 'ugone000000000000000000000', deletedAt: new Date() } })
    await db.collection('identities').add({
      data: {
        _id: `openid:${emulator().appid}:${first.openid}`,
        kind: 'openid',
        appid: emulator().appid,
        openid: first.openid,
        userId: 'ugone000000000000000000000',
        linkedAt: new Date(),
      },
    })
    const reply = await call(first, 'phoneLogin', { code: phoneCode(first), ...CONSENT })
    expect(reply).toMatchObject({ ok: true, isNew: true })
    expect(reply.user.id).not.toBe('ugone000000000000000000000')
    expect((await accounts()).map((u) => u._id)).toEqual([reply.user.id])
    expect(new Set((await documents(emulator(), 'identities')).map((i) => i.userId))).toEqual(new Set([reply.user.id]))
  })
})

describe('revocation pushes act on the account the openid leads to', () => {
  test("a push for the owner app's openid clears the account created from the other app", async () => {
    const { first, second } = await person()
    // the account is created from the second app (its _openid is the second app's openid)
    expect(await call(second, 'phoneLogin', { code: phoneCode(second), ...CONSENT })).toMatchObject({ ok: true })
    expect(await call(first, 'login')).toMatchObject({ ok: true, isNew: false })
    const [before] = await accounts()
    expect(before).toMatchObject({ _openid: second.openid, phoneNumber: '13912340000' })
    const reply = await emulator().control('push.deliver', {
      openid: first.openid,
      event: 'user_authorization_revoke',
      revokeInfo: '8',
    })
    expect(reply).toMatchObject({ result: { ok: true, action: 'cleared', cleared: ['phoneNumber'] } })
    expect(await accounts()).toEqual([expect.objectContaining({ _id: before._id, phoneNumber: null })])
  })

  test('a cancellation push deletes the whole account, every identity with it', async () => {
    const { first, second } = await person()
    await call(first, 'login', CONSENT)
    await call(second, 'login', CONSENT)
    const reply = await emulator().control('push.deliver', {
      openid: first.openid,
      event: 'user_authorization_cancellation',
    })
    expect(reply).toMatchObject({ result: { ok: true, action: 'deleted' } })
    expect(await accounts()).toEqual([])
    expect(await documents(emulator(), 'identities')).toEqual([])
  })
})

describe('consent per mini program', () => {
  test("a second app asks for its own consent: the first app's does not cover it, and withdrawing one keeps the other", async () => {
    const { first, second } = await person()
    expect(await call(first, 'login', CONSENT)).toMatchObject({
      ok: true,
      user: { consentVersion: PRIVACY_POLICY_VERSION },
    })
    // same account, but this app's policy was never accepted
    const b = await call(second, 'login')
    expect(b).toMatchObject({ ok: true, isNew: false, user: { privacyConsented: false, consentVersion: null } })
    expect(await call(second, 'updateProfile', { nickName: '二号' })).toMatchObject({
      ok: false,
      code: 'CONSENT_REQUIRED',
    })
    expect(await call(first, 'updateProfile', { nickName: '一号' })).toMatchObject({ ok: true })
    // the tap in the second app records its consent only
    expect(await call(second, 'consent', { action: 'accept', version: PRIVACY_POLICY_VERSION })).toMatchObject({
      ok: true,
      user: { consentVersion: PRIVACY_POLICY_VERSION, nickName: '一号' },
    })
    const [record] = await accounts()
    expect(record.appConsents[SECOND]).toMatchObject({ version: PRIVACY_POLICY_VERSION })
    expect(record.privacyConsentVersion).toBe(PRIVACY_POLICY_VERSION)
    // withdrawing in the first app leaves the second app's consent
    expect(await call(first, 'consent', { action: 'withdraw' })).toMatchObject({
      ok: true,
      user: { consentVersion: null },
    })
    expect(await call(second, 'login')).toMatchObject({ ok: true, user: { consentVersion: PRIVACY_POLICY_VERSION } })
    expect(await call(first, 'login')).toMatchObject({ ok: true, user: { consentVersion: null } })
    expect(await call(first, 'updateProfile', { nickName: '一号' })).toMatchObject({
      ok: false,
      code: 'CONSENT_REQUIRED',
    })
  })

  test('an older version accepted in one app makes only that app ask again', async () => {
    const { first, second } = await person()
    await call(first, 'login', CONSENT)
    await call(second, 'login', CONSENT)
    const [record] = await accounts()
    await adminSdk(emulator())
      .database()
      .collection('users')
      .doc(record._id)
      .update({ data: { appConsents: { [SECOND]: { version: '2025-01' } } } })
    expect(await call(second, 'login')).toMatchObject({ ok: true, user: { consentVersion: '2025-01' } })
    expect(await call(second, 'bindPhone', { code: 'x' })).toMatchObject({ ok: false, code: 'CONSENT_OUTDATED' })
    expect(await call(first, 'login')).toMatchObject({ ok: true, user: { consentVersion: PRIVACY_POLICY_VERSION } })
  })

  test('a merge takes over each app consent the surviving account lacks', async () => {
    // the second app made an openid-only account (not bound yet) and accepted its policy there
    await emulator().reset()
    emulator().openPlatform.share(SECOND)
    const first = await emulator().accounts.create()
    const second = await emulator().accounts.create({ appid: SECOND, sameAs: first.openid })
    await call(first, 'login')
    expect(await call(second, 'login', CONSENT)).toMatchObject({ ok: true, isNew: true })
    await emulator().openPlatform.bind('weauth-open-platform', [SECOND])
    const merged = await call(second, 'login')
    expect(merged).toMatchObject({ ok: true, user: { consentVersion: PRIVACY_POLICY_VERSION } })
    expect(await call(first, 'login')).toMatchObject({ ok: true, user: { id: merged.user.id, consentVersion: null } })
  })
})

describe('unlinking one mini program (unlinkApp)', () => {
  test("removes this app's identity and consent; the account and the other app's identity stay", async () => {
    const { first, second } = await person()
    const a = await call(first, 'login', CONSENT)
    await call(second, 'login', CONSENT)
    expect(await call(second, 'unlinkApp', { action: 'preview' })).toMatchObject({ ok: true, apps: 2 })
    expect(await call(second, 'unlinkApp', { action: 'unlink' })).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
    const reply = await call(second, 'unlinkApp', { action: 'unlink', confirm: true })
    expect(reply).toMatchObject({ ok: true, unlinked: { accountDeleted: false, otherApps: 1 } })
    const [record] = await accounts()
    expect(record._id).toBe(a.user.id)
    expect(record.appConsents[SECOND]).toMatchObject({ version: null, at: null })
    expect((await openidIdentities()).map((i) => i.appid)).toEqual([emulator().appid])
    // the second app is signed out of the account: its other functions no longer find it
    expect(await call(second, 'updateProfile', { nickName: '二号' })).toMatchObject({
      ok: false,
      code: 'NOT_LOGGED_IN',
    })
    expect(await call(first, 'login')).toMatchObject({ ok: true, user: { id: a.user.id } })
    // signing in there again links it again (same unionid: one person, one account) and asks for its consent anew
    expect(await call(second, 'login')).toMatchObject({
      ok: true,
      isNew: false,
      user: { id: a.user.id, consentVersion: null },
    })
  })

  test("unlinking the account's own app keeps the account for the other app, and its old _openid no longer finds it", async () => {
    const { first, second } = await person()
    const a = await call(first, 'login', CONSENT)
    await call(second, 'login', CONSENT)
    expect(await call(first, 'unlinkApp', { action: 'unlink', confirm: true })).toMatchObject({
      ok: true,
      unlinked: { accountDeleted: false },
    })
    expect(await call(first, 'consent', { action: 'withdraw' })).toMatchObject({ ok: false, code: 'NOT_LOGGED_IN' })
    expect(await call(second, 'updateProfile', { nickName: '二号' })).toMatchObject({ ok: true })
    expect((await accounts()).map((u) => u._id)).toEqual([a.user.id])
  })

  test('unlinking the last identity is a deletion, and says so', async () => {
    const unbound = await emulator().accounts.create({ appid: 'wxunbound000000003', phoneNumber: '13912349999' })
    emulator().openPlatform.share('wxunbound000000003')
    const login = await call(unbound, 'login', CONSENT)
    const avatar = await uploadAs(emulator(), unbound, `users/${login.user.id}/a.png`)
    expect(await call(unbound, 'updateProfile', { avatarFileId: avatar })).toMatchObject({ ok: true })
    expect(await call(unbound, 'unlinkApp', { action: 'preview' })).toMatchObject({ ok: true, apps: 1 })
    const reply = await call(unbound, 'unlinkApp', { action: 'unlink', confirm: true })
    expect(reply).toMatchObject({ ok: true, unlinked: { accountDeleted: true, receipt: { users: 1 } } })
    expect(await accounts()).toEqual([])
    expect(await documents(emulator(), 'identities')).toEqual([])
    expect(await storedPaths(emulator(), `users/${login.user.id}/`)).toEqual([])
  })

  test('unlinking from both apps at once never leaves an account no app signs into', async () => {
    for (let i = 0; i < 10; i++) {
      await emulator().reset()
      emulator().openPlatform.share(SECOND)
      await emulator().openPlatform.bind('weauth-open-platform', [SECOND])
      const { first, second } = await person()
      await call(first, 'login', CONSENT)
      await call(second, 'login', CONSENT)
      const replies = await Promise.all(
        [first, second].map((w) => call(w, 'unlinkApp', { action: 'unlink', confirm: true })),
      )
      const left = await openidIdentities()
      const users = await accounts()
      // either one app is still linked to the account, or the account is gone entirely
      if (users.length) expect(left.length).toBeGreaterThanOrEqual(1)
      else expect(await documents(emulator(), 'identities')).toEqual([])
      expect(replies.some((r) => r.ok)).toBe(true)
    }
  })
})
