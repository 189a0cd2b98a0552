import { adminSdk, callFunction, documents, useEmulator } from '../helpers/emulator'

const emulator = useEmulator()

describe('login cloud function (compiled, real wx-server-sdk, through the emulator)', () => {
  test('a first login creates exactly one user record from the WeChat context', async () => {
    const account = await emulator().accounts.create()
    const result = await callFunction(emulator(), account, 'login')
    expect(result).toMatchObject({
      ok: true,
      isNew: true,
      user: { loginCount: 1, hasProfile: false, phoneMasked: null },
    })
    // the client view carries no openid/unionid
    expect(JSON.stringify(result)).not.toContain(account.openid)

    const mine = (await documents(emulator(), 'users')).filter((u) => u._openid === account.openid)
    expect(mine).toHaveLength(1)
    expect(mine[0]).toMatchObject({
      _id: result.user.id,
      appid: emulator().ctx.appid,
      unionid: account.unionid,
      loginCount: 1,
      role: 'user',
      status: 'active',
      nickName: '',
      phoneNumber: null,
    })
    expect(mine[0].createdAt).toBeInstanceOf(Date)
    expect(mine[0].lastLoginAt).toBeInstanceOf(Date)
  })

  test('a returning user is signed in to the same record and counted', async () => {
    const account = await emulator().accounts.create()
    const first = await callFunction(emulator(), account, 'login')
    await new Promise((r) => setTimeout(r, 5))
    const second = await callFunction(emulator(), account, 'login')
    expect(second).toMatchObject({ ok: true, isNew: false, user: { id: first.user.id, loginCount: 2 } })
    const [record] = (await documents(emulator(), 'users')).filter((u) => u._openid === account.openid)
    expect(record.loginCount).toBe(2)
    expect(record.lastLoginAt.getTime()).toBeGreaterThan(record.createdAt.getTime())
  })

  test('concurrent first logins of one openid leave one record and an exact loginCount', async () => {
    const account = await emulator().accounts.create()
    const results = await Promise.all(Array.from({ length: 10 }, () => callFunction(emulator(), account, 'login')))
    expect(results.every((r) => r.ok)).toBe(true)
    expect(new Set(results.map((r) => r.user.id)).size).toBe(1)
    expect(results.filter((r) => r.isNew)).toHaveLength(1)
    const mine = (await documents(emulator(), 'users')).filter((u) => u._openid === account.openid)
    expect(mine).toHaveLength(1)
    expect(mine[0].loginCount).toBe(10)
  })

  test('an openid, _openid or userInfo forged in the event is ignored', async () => {
    const victim = await emulator().accounts.create()
    const attacker = await emulator().accounts.create()
    await callFunction(emulator(), victim, 'login')
    const forged = {
      openid: victim.openid,
      _openid: victim.openid,
      OPENID: victim.openid,
      userInfo: { openId: victim.openid, appId: 'wxforged' },
    }
    const result = await callFunction(emulator(), attacker, 'login', forged)
    expect(result).toMatchObject({ ok: true, isNew: true })
    const users = await documents(emulator(), 'users')
    expect(users.filter((u) => u._openid === victim.openid)).toHaveLength(1)
    expect(users.find((u) => u._id === result.user.id)?._openid).toBe(attacker.openid)
  })

  test('an oversized event is rejected with the common error shape and writes nothing', async () => {
    const account = await emulator().accounts.create()
    const result = await callFunction(emulator(), account, 'login', { padding: 'x'.repeat(20_000) })
    expect(result).toEqual({ ok: false, code: 'INVALID_INPUT', message: expect.stringContaining('超过') })
    expect((await documents(emulator(), 'users')).filter((u) => u._openid === account.openid)).toHaveLength(0)
  })

  test('a banned user is refused with a clear message', async () => {
    const account = await emulator().accounts.create()
    await callFunction(emulator(), account, 'login')
    const db = adminSdk(emulator()).database()
    await db
      .collection('users')
      .where({ _openid: account.openid })
      .update({ data: { status: 'banned' } })
    const result = await callFunction(emulator(), account, 'login')
    expect(result).toEqual({ ok: false, code: 'ACCOUNT_BANNED', message: expect.any(String) })
  })

  test('a database failure reaches the client as a retryable UPSTREAM error, not a crash', async () => {
    const account = await emulator().accounts.create()
    emulator().faults.add({
      service: 'database',
      action: 'database.getDocument',
      error: { code: 'DATABASE_REQUEST_FAILED' },
      times: 1,
    })
    const result = await callFunction(emulator(), account, 'login')
    expect(result).toMatchObject({ ok: false, code: 'UPSTREAM' })
    expect((await documents(emulator(), 'users')).filter((u) => u._openid === account.openid)).toHaveLength(0)
  })
})
