import { callFunction } from '../helpers/emulator'
import { useEmulator } from '../helpers/emulator'
import { loggedInUser, storedPaths, uploadAs, userRecord } from '../helpers/users'

const emulator = useEmulator()

describe('updateProfile', () => {
  test('refuses callers who never logged in, and users who have not accepted the privacy policy', async () => {
    const stranger = await emulator().accounts.create()
    expect(await callFunction(emulator(), stranger, 'updateProfile', { nickName: '阿花' })).toMatchObject({
      ok: false,
      code: 'NOT_LOGGED_IN',
    })

    const { wechat } = await loggedInUser(emulator(), { consent: false })
    expect(await callFunction(emulator(), wechat, 'updateProfile', { nickName: '阿花' })).toMatchObject({
      ok: false,
      code: 'CONSENT_REQUIRED',
    })
    expect((await userRecord(emulator(), wechat.openid)).nickName).toBe('')
  })

  test.each([
    [{}, 'INVALID_INPUT', '没有要保存的资料'],
    [{ nickName: '   ' }, 'NICKNAME_EMPTY', '请填写昵称'],
    [{ nickName: '一二三四五六七八九十一二三四五六七八九十一' }, 'NICKNAME_TOO_LONG', '最多 20'],
    [{ nickName: 'bad\u0007name' }, 'NICKNAME_CONTROL_CHAR', '控制字符'],
    [{ nickName: '<script>' }, 'NICKNAME_MARKUP', '< 或 >'],
    [{ nickName: 42 }, 'INVALID_INPUT', '昵称必须是文字'],
    [{ avatarFileId: 'https://evil.example/x.png' }, 'INVALID_INPUT', '头像文件无效'],
  ])('rejects %j with a clear message and writes nothing', async (event, code, message) => {
    const { wechat } = await loggedInUser(emulator())
    const result = await callFunction(emulator(), wechat, 'updateProfile', event as Record<string, unknown>)
    expect(result).toEqual({ ok: false, code, message: expect.stringContaining(message) })
    const record = await userRecord(emulator(), wechat.openid)
    expect([record.nickName, record.avatarFileId]).toEqual(['', ''])
  })

  test('a nickname WeChat flags as risky is refused with a clear message and not stored', async () => {
    emulator().openapi.fixtures.addRiskyWords(['违规词'])
    const { wechat } = await loggedInUser(emulator())
    const result = await callFunction(emulator(), wechat, 'updateProfile', { nickName: '我是违规词' })
    expect(result).toEqual({ ok: false, code: 'RISKY_CONTENT', message: expect.stringContaining('不合规') })
    expect((await userRecord(emulator(), wechat.openid)).nickName).toBe('')
  })

  test("saves a checked nickname and an avatar from the user's own folder, deleting the replaced avatar", async () => {
    const { wechat, userId } = await loggedInUser(emulator())
    const first = await uploadAs(emulator(), wechat, `users/${userId}/avatar-1.png`)
    const saved = await callFunction(emulator(), wechat, 'updateProfile', { nickName: '  小红  ', avatarFileId: first })
    expect(saved).toMatchObject({ ok: true, user: { nickName: '小红', avatarFileId: first, hasProfile: true } })
    expect(await userRecord(emulator(), wechat.openid)).toMatchObject({ nickName: '小红', avatarFileId: first })

    const second = await uploadAs(emulator(), wechat, `users/${userId}/avatar-2.png`)
    await callFunction(emulator(), wechat, 'updateProfile', { avatarFileId: second })
    expect(await storedPaths(emulator(), `users/${userId}/`)).toEqual([`users/${userId}/avatar-2.png`])
  })

  test("an avatar outside the caller's folder is refused", async () => {
    const victim = await loggedInUser(emulator())
    const victimFile = await uploadAs(emulator(), victim.wechat, `users/${victim.userId}/avatar.png`)
    const { wechat } = await loggedInUser(emulator())
    const result = await callFunction(emulator(), wechat, 'updateProfile', { avatarFileId: victimFile })
    expect(result).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
    expect((await userRecord(emulator(), wechat.openid)).avatarFileId).toBe('')
  })

  test('a failing content check is a retryable UPSTREAM error and nothing is written', async () => {
    const { wechat } = await loggedInUser(emulator())
    emulator().faults.add({
      service: 'openapi',
      action: 'security.msgSecCheck',
      wxErrcode: { errcode: -1, errmsg: 'system error' },
      times: 1,
    })
    expect(await callFunction(emulator(), wechat, 'updateProfile', { nickName: '小刚' })).toMatchObject({
      ok: false,
      code: 'UPSTREAM',
    })
    expect((await userRecord(emulator(), wechat.openid)).nickName).toBe('')
  })
})

describe('bindPhone', () => {
  test('exchanges the dynamic code server-side, stores the number and returns it masked', async () => {
    const { wechat } = await loggedInUser(emulator(), { phoneNumber: '13812345678' })
    const code = emulator().openapi.fixtures.issuePhoneCode(wechat.openid, {
      phoneNumber: '13812345678',
      countryCode: '86',
    })
    const result = await callFunction(emulator(), wechat, 'bindPhone', { code })
    expect(result).toMatchObject({ ok: true, user: { phoneMasked: '138****5678' } })
    expect(JSON.stringify(result)).not.toContain('13812345678')
    expect(await userRecord(emulator(), wechat.openid)).toMatchObject({ phoneNumber: '13812345678', countryCode: '86' })
  })

  test('unknown and reused codes are refused (WeChat answers 40029 for both); the record is untouched', async () => {
    const { wechat } = await loggedInUser(emulator())
    expect(await callFunction(emulator(), wechat, 'bindPhone', { code: 'no-such-code' })).toMatchObject({
      ok: false,
      code: 'PHONE_CODE_INVALID',
    })
    const code = emulator().openapi.fixtures.issuePhoneCode(wechat.openid, {
      phoneNumber: '13900001111',
      countryCode: '86',
    })
    expect(await callFunction(emulator(), wechat, 'bindPhone', { code })).toMatchObject({ ok: true })
    expect(await callFunction(emulator(), wechat, 'bindPhone', { code })).toMatchObject({
      ok: false,
      code: 'PHONE_CODE_INVALID',
      message: expect.stringContaining('已使用'),
    })
    expect((await userRecord(emulator(), wechat.openid)).phoneNumber).toBe('13900001111')
  })

  test('a CloudID from an older base library is resolved server-side (cloud.getOpenData)', async () => {
    const { wechat } = await loggedInUser(emulator())
    const cloudId = emulator().openapi.fixtures.issueCloudId(wechat.openid, {
      phoneNumber: '13700003333',
      purePhoneNumber: '13700003333',
      countryCode: '86',
      watermark: { appid: emulator().ctx.appid, timestamp: 1 },
    })
    expect(await callFunction(emulator(), wechat, 'bindPhone', { cloudId })).toMatchObject({
      ok: true,
      user: { phoneMasked: '137****3333' },
    })
    expect(await userRecord(emulator(), wechat.openid)).toMatchObject({ phoneNumber: '13700003333', countryCode: '86' })
    expect(await callFunction(emulator(), wechat, 'bindPhone', { cloudId: 'not-a-cloud-id' })).toMatchObject({
      ok: false,
    })
  })

  test('the open-API minute quota error (45011) is reported as a rate limit', async () => {
    const { wechat } = await loggedInUser(emulator())
    const code = emulator().openapi.fixtures.issuePhoneCode(wechat.openid, {
      phoneNumber: '13900002222',
      countryCode: '86',
    })
    emulator().faults.add({
      service: 'openapi',
      action: 'phonenumber.getPhoneNumber',
      wxErrcode: { errcode: 45011, errmsg: 'api minute-quota reach limit' },
      times: 1,
    })
    expect(await callFunction(emulator(), wechat, 'bindPhone', { code })).toMatchObject({
      ok: false,
      code: 'RATE_LIMITED',
      message: '操作太频繁，请稍后再试',
    })
    expect((await userRecord(emulator(), wechat.openid)).phoneNumber).toBeNull()
  })

  test('needs consent and a code', async () => {
    const { wechat } = await loggedInUser(emulator(), { consent: false })
    expect(await callFunction(emulator(), wechat, 'bindPhone', { code: 'x' })).toMatchObject({
      ok: false,
      code: 'CONSENT_REQUIRED',
    })
    expect(await callFunction(emulator(), wechat, 'bindPhone', {})).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
  })
})

describe('deleteAccount', () => {
  test('needs an explicit confirmation', async () => {
    const { wechat } = await loggedInUser(emulator())
    expect(await callFunction(emulator(), wechat, 'deleteAccount', {})).toMatchObject({
      ok: false,
      code: 'INVALID_INPUT',
    })
    expect(await userRecord(emulator(), wechat.openid)).toBeDefined()
  })

  test('removes the record and the stored files, reports them, and a returning user starts as new', async () => {
    const { wechat, userId } = await loggedInUser(emulator())
    const avatar = await uploadAs(emulator(), wechat, `users/${userId}/avatar.png`)
    await callFunction(emulator(), wechat, 'updateProfile', { nickName: '要走了', avatarFileId: avatar })

    const result = await callFunction(emulator(), wechat, 'deleteAccount', { confirm: true })
    expect(result).toEqual({
      ok: true,
      deleted: { users: 1, files: [avatar], removed: expect.arrayContaining(['昵称']), at: expect.any(String) },
    })
    expect(await userRecord(emulator(), wechat.openid)).toBeUndefined()
    expect(await storedPaths(emulator(), `users/${userId}/`)).toEqual([])

    const again = await callFunction(emulator(), wechat, 'login', { consentVersion: '2026-11' })
    expect(again).toMatchObject({ ok: true, isNew: true, user: { loginCount: 1, nickName: '' } })
  })

  test('when a file cannot be deleted the record stays, so a retry can finish the job', async () => {
    const { wechat, userId } = await loggedInUser(emulator())
    const avatar = await uploadAs(emulator(), wechat, `users/${userId}/avatar.png`)
    await callFunction(emulator(), wechat, 'updateProfile', { avatarFileId: avatar })
    emulator().faults.add({
      service: 'storage',
      action: 'storage.batchDeleteFile',
      error: { code: 'STORAGE_REQUEST_FAIL' },
      times: 1,
    })
    expect(await callFunction(emulator(), wechat, 'deleteAccount', { confirm: true })).toMatchObject({
      ok: false,
      code: 'DELETE_NOT_DURABLE',
    })
    expect(await userRecord(emulator(), wechat.openid)).toMatchObject({ avatarFileId: avatar, status: 'deleting' })
    expect(await callFunction(emulator(), wechat, 'deleteAccount', { confirm: true })).toMatchObject({ ok: true })
  })
})
