import { adminSdk, callFunction, documents, useEmulator } from '../helpers/emulator'
import { loggedInUser, storedPaths, uploadAs, userRecord } from '../helpers/users'
import { recordFigures } from '../helpers/figures'

const emulator = useEmulator()

/** A user with a nickname, an avatar file and a phone number. */
async function fullProfile() {
  const { wechat, userId } = await loggedInUser(emulator(), { phoneNumber: '13811112222' })
  const avatar = await uploadAs(emulator(), wechat, `users/${userId}/avatar.png`)
  expect(
    await callFunction(emulator(), wechat, 'updateProfile', { nickName: '小明', avatarFileId: avatar }),
  ).toMatchObject({ ok: true })
  const code = emulator().fixtures.issuePhoneCode(wechat.openid, { phoneNumber: '13811112222', countryCode: '86' })
  expect(await callFunction(emulator(), wechat, 'bindPhone', { code })).toMatchObject({ ok: true })
  return { wechat, userId, avatar }
}

const push = (params: Record<string, unknown>) => emulator().control('push.deliver', params)
let pushes = 0

describe('授权用户信息变更 pushes, delivered to userInfoChanges by the message-push table', () => {
  test.each(['6', '19', '20'])(
    'revoke %s clears nickname and avatar and deletes the avatar files',
    async (revokeInfo) => {
      const { wechat, userId } = await fullProfile()
      const reply = await push({ openid: wechat.openid, event: 'user_authorization_revoke', revokeInfo })
      expect(reply).toMatchObject({ functionName: 'userInfoChanges', result: { ok: true, action: 'cleared' } })
      expect(await userRecord(emulator(), wechat.openid)).toMatchObject({
        nickName: '',
        avatarFileId: '',
        phoneNumber: '13811112222',
      })
      expect(await storedPaths(emulator(), `users/${userId}/`)).toEqual([])
      // idempotent: the same push again changes nothing more and still succeeds
      expect(
        (await push({ openid: wechat.openid, event: 'user_authorization_revoke', revokeInfo })).result,
      ).toMatchObject({ ok: true })
      pushes += 2
    },
  )

  test('revoke 8 clears the phone number only', async () => {
    const { wechat, userId } = await fullProfile()
    expect(
      (await push({ openid: wechat.openid, event: 'user_authorization_revoke', revokeInfo: '8' })).result,
    ).toMatchObject({
      ok: true,
      cleared: ['phoneNumber'],
    })
    expect(await userRecord(emulator(), wechat.openid)).toMatchObject({
      nickName: '小明',
      phoneNumber: null,
      countryCode: null,
    })
    expect(await storedPaths(emulator(), `users/${userId}/`)).toHaveLength(1)
    pushes++
  })

  test('user_info_modified clears nickname and avatar (WeChat cleaned risky profile data)', async () => {
    const { wechat } = await fullProfile()
    expect((await push({ openid: wechat.openid, event: 'user_info_modified' })).result).toMatchObject({ ok: true })
    expect(await userRecord(emulator(), wechat.openid)).toMatchObject({ nickName: '', avatarFileId: '' })
    pushes++
  })

  test('user_authorization_cancellation deletes the account and its files; again it is a no-op', async () => {
    const { wechat, userId } = await fullProfile()
    expect((await push({ openid: wechat.openid, event: 'user_authorization_cancellation' })).result).toMatchObject({
      ok: true,
      action: 'deleted',
    })
    expect(await userRecord(emulator(), wechat.openid)).toBeUndefined()
    expect(await storedPaths(emulator(), `users/${userId}/`)).toEqual([])
    expect((await push({ openid: wechat.openid, event: 'user_authorization_cancellation' })).result).toMatchObject({
      ok: true,
      action: 'none',
    })
    pushes += 2
  })

  test('a malformed push, one for another appid, or a mini program calling the function directly changes nothing', async () => {
    const { wechat } = await fullProfile()
    const before = JSON.stringify(await userRecord(emulator(), wechat.openid))
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined)
    const refused = [
      await push({ openid: wechat.openid, event: 'user_authorization_cancellation', appid: 'wx0000000000000bad' }),
      await push({
        functionName: 'userInfoChanges',
        raw: { MsgType: 'event', Event: 'user_authorization_revoke', OpenID: wechat.openid },
      }),
      await push({
        functionName: 'userInfoChanges',
        raw: {
          MsgType: 'event',
          Event: 'user_authorization_revoke',
          OpenID: wechat.openid,
          AppID: emulator().appid,
          RevokeInfo: 'six',
        },
      }),
      await push({ functionName: 'userInfoChanges', raw: { MsgType: 'text', Content: 'hi' } }),
    ].map((r) => r.result)
    const direct = await callFunction(emulator(), wechat, 'userInfoChanges', {
      MsgType: 'event',
      Event: 'user_authorization_cancellation',
      OpenID: wechat.openid,
      AppID: emulator().appid,
    })
    warn.mockRestore()
    for (const r of [...refused, direct]) expect(r).toMatchObject({ ok: false })
    expect(JSON.stringify(await userRecord(emulator(), wechat.openid))).toBe(before)
    recordFigures('revocation-pushes', {
      guarantee:
        'revocation pushes clear what was revoked, cancellation deletes the account, forged or malformed pushes change nothing',
      test: 'tests/cloudfunctions/revocation.test.ts',
      pushesHandled: pushes,
      forgedOrMalformedRefused: refused.length + 1,
    })
  })
})

describe('risk check at registration (riskControl.getUserRiskRank, scene 0)', () => {
  const setPolicy = async (policy: Record<string, unknown> | null) => {
    const db = adminSdk(emulator()).database()
    if (!emulator().collections().includes('settings')) await db.createCollection('settings').catch(() => undefined)
    await db.collection('settings').where({ _id: 'riskPolicy' }).remove()
    if (policy) await db.collection('settings').add({ data: { _id: 'riskPolicy', ...policy } })
  }
  const risky = async (rank: number) => {
    const account = await emulator().accounts.create()
    await emulator().control('risk.setRank', { openid: account.openid, rank })
    return account
  }
  const counted = () => emulator().counters.get('admin.wx.openApi') ?? 0

  afterAll(() => setPolicy(null))

  test('off: no risk call, registration goes ahead', async () => {
    await setPolicy({ mode: 'off' })
    const account = await risky(4)
    const before = counted()
    expect(await callFunction(emulator(), account, 'login', {})).toMatchObject({ ok: true, isNew: true })
    expect(counted()).toBe(before)
    expect((await userRecord(emulator(), account.openid)).riskRank).toBeNull()
  })

  test('log: the rank is stored, nobody is refused', async () => {
    await setPolicy({ mode: 'log', above: 1 })
    const account = await risky(3)
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined)
    expect(await callFunction(emulator(), account, 'login', {})).toMatchObject({ ok: true, isNew: true })
    warn.mockRestore()
    expect((await userRecord(emulator(), account.openid)).riskRank).toBe(3)
  })

  test('refuse above N: a rank above N is refused kindly and nothing is stored; N or below registers', async () => {
    await setPolicy({ mode: 'refuse', above: 2 })
    const high = await risky(3)
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined)
    const refused = await callFunction(emulator(), high, 'login', {})
    warn.mockRestore()
    expect(refused).toMatchObject({ ok: false, code: 'RISKY_USER', message: expect.stringContaining('账号安全') })
    expect(await userRecord(emulator(), high.openid)).toBeUndefined()
    const ok = await risky(2)
    expect(await callFunction(emulator(), ok, 'login', {})).toMatchObject({ ok: true })
    const viaPhone = await risky(4)
    const code = emulator().fixtures.issuePhoneCode(viaPhone.openid, { phoneNumber: '13700009999', countryCode: '86' })
    const warn2 = jest.spyOn(console, 'warn').mockImplementation(() => undefined)
    expect(await callFunction(emulator(), viaPhone, 'phoneLogin', { code, consentVersion: '2026-11' })).toMatchObject({
      ok: false,
      code: 'RISKY_USER',
    })
    warn2.mockRestore()
    expect((await documents(emulator(), 'users')).some((u) => u._openid === viaPhone.openid)).toBe(false)
    recordFigures('risk-policy', {
      guarantee: 'registration risk policy: off makes no call, log stores the rank, refuse turns away ranks above N',
      test: 'tests/cloudfunctions/revocation.test.ts › risk check',
      modes: 3,
    })
  })
})
