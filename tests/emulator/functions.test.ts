import { join } from 'node:path'
import { useEmulator } from '../helpers/emulator'
import { eventually } from '../helpers/eventually'

const emulator = useEmulator({ functionsDir: join(__dirname, '..', 'fixtures', 'cloudfunctions') })

const call = async (token: string, name: string, data: Record<string, unknown> = {}) =>
  emulator().client('functions.callFunction', token, { name, data })

describe('function runner', () => {
  test('what a function prints is kept per function, line by line and stream by stream (the console log tab)', async () => {
    const account = await emulator().accounts.create()
    const tag = `t${Date.now()}`
    expect(await call(account.token, 'logs', { tag })).toMatchObject({ ok: true, result: { tag } })
    const mine = () =>
      emulator()
        .functions.logs('logs')
        .filter((l) => l.line.includes(tag) || l.line.includes('stack'))
    await eventually(async () => expect(mine().length).toBeGreaterThanOrEqual(3))
    expect(mine().map(({ stream, line }) => [stream, line])).toEqual([
      ['stdout', `handling ${tag}`],
      ['stderr', `failed ${tag}`],
      ['stderr', '  at a stack line'],
    ])
    expect(
      emulator()
        .functions.logs('echo')
        .some((l) => l.line.includes(tag)),
    ).toBe(false)
  })

  // https://developers.weixin.qq.com/miniprogram/dev/wxcloud/guide/functions/userinfo.html: event.userInfo is
  // injected by WeChat ({ appId, openId }) and cannot be forged by the page
  test('event.userInfo carries the caller, whatever the page put there', async () => {
    const account = await emulator().accounts.create()
    const reply = await call(account.token, 'echo', { userInfo: { openId: 'oFORGED000000000000000000000' } })
    expect(reply).toMatchObject({
      ok: true,
      result: { event: { userInfo: { appId: emulator().appid, openId: account.openid } } },
    })
  })

  test("the caller's identity reaches getWXContext(), and each concurrent invocation sees its own", async () => {
    const accounts = await Promise.all(Array.from({ length: 6 }, () => emulator().accounts.create()))
    const replies = await Promise.all(accounts.map((a, i) => call(a.token, 'echo', { i })))
    replies.forEach((reply, i) => {
      expect(reply).toMatchObject({
        ok: true,
        result: {
          event: { i },
          functionName: 'echo',
          wxContext: {
            OPENID: accounts[i].openid,
            APPID: emulator().ctx.appid,
            UNIONID: accounts[i].unionid,
            ENV: emulator().ctx.envId,
            SOURCE: 'wx_client',
          },
        },
      })
    })
  })

  test('process.env inside an instance follows Node’s rules: values become strings, symbols are refused, deletes hold', async () => {
    const account = await emulator().accounts.create()
    const first = await call(account.token, 'env', { remove: true })
    expect(first).toMatchObject({
      ok: true,
      result: {
        written: { type: 'string', value: '5' },
        undefinedWritten: 'undefined',
        symbolRefused: true,
        listed: true,
        afterRemove: false,
        openid: account.openid,
      },
    })
    // the instance is reused: what the last call deleted stays deleted, what it wrote stays written
    const second = await call(account.token, 'env', {})
    expect(second).toMatchObject({ ok: true, result: { before: null } })
    const third = await call(account.token, 'env', {})
    expect(third).toMatchObject({ ok: true, result: { before: '5' } })
  })

  test('a function over its time limit is stopped and reported as WeChat does (-504003), and the next call works', async () => {
    const account = await emulator().accounts.create()
    const started = Date.now()
    const reply = await call(account.token, 'slow')
    expect(Date.now() - started).toBeLessThan(3000)
    expect(reply).toMatchObject({ ok: false, errCode: -504003, errMsg: 'Invoking task timed out after 1 seconds' })
    expect(await call(account.token, 'echo')).toMatchObject({ ok: true })
  })

  test('a thrown error is an execution failure (-504002) carrying the message', async () => {
    const account = await emulator().accounts.create()
    expect(await call(account.token, 'throws')).toMatchObject({
      ok: false,
      errCode: -504002,
      errMsg: expect.stringContaining('boom'),
    })
  })

  test('undefined comes back as null', async () => {
    const account = await emulator().accounts.create()
    expect(await call(account.token, 'undef')).toMatchObject({ ok: true, result: null })
  })

  test('a missing function is -501000 ResourceNotFound; a malformed name is a parameter error', async () => {
    const account = await emulator().accounts.create()
    expect(await call(account.token, 'nope')).toMatchObject({
      ok: false,
      errCode: -501000,
      errMsg: expect.stringContaining('FunctionName parameter could not be found'),
    })
    expect(await call(account.token, '../echo')).toMatchObject({ ok: false, errCode: -501007 })
  })

  // https://developers.weixin.qq.com/miniprogram/dev/wxcloud/reference-sdk-api/utils/Cloud.getWXContext.html:
  // "小程序调用云函数 A，再在云函数 A 内调用云函数 B … B 内获得的 SOURCE 为 wx_client,scf"
  test('a function called by another function sees no user identity and SOURCE wx_client,scf', async () => {
    const account = await emulator().accounts.create()
    const reply = await call(account.token, 'caller', { n: 7 })
    expect(reply).toMatchObject({
      ok: true,
      result: { event: { from: 'caller', n: 7 }, wxContext: { SOURCE: 'wx_client,scf' } },
    })
    expect(
      (reply as unknown as { result: { wxContext: Record<string, unknown> } }).result.wxContext.OPENID,
    ).toBeUndefined()
  })

  test('an open API missing from config.json permissions.openapi is refused', async () => {
    const account = await emulator().accounts.create()
    const reply = await call(account.token, 'noperm')
    expect(reply).toMatchObject({ ok: true, result: { errCode: -604101 } })
  })

  test('injected latency and errors reach the client as WeChat-shaped failures', async () => {
    const account = await emulator().accounts.create()
    emulator().faults.add({ service: 'functions', action: 'echo', latencyMs: 120, times: 1 })
    const started = Date.now()
    expect(await call(account.token, 'echo')).toMatchObject({ ok: true })
    expect(Date.now() - started).toBeGreaterThanOrEqual(110)
    emulator().faults.add({
      service: 'functions',
      action: 'echo',
      error: { code: 'FUNCTIONS_EXECUTE_FAIL', message: 'injected' },
      times: 1,
    })
    expect(await call(account.token, 'echo')).toMatchObject({ ok: false, errCode: -504002, errMsg: 'injected' })
  })

  test('requests without a known device token are refused', async () => {
    expect(await emulator().client('functions.callFunction', 'forged-token', { name: 'echo', data: {} })).toMatchObject(
      { ok: false, errCode: -501008 },
    )
  })
})
