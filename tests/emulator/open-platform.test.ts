import { join } from 'node:path'
import { useEmulator } from '../helpers/emulator'

/**
 * Open Platform accounts, per-app openids, one unionid per Open Platform account, and resource sharing (资源复用):
 * what getWXContext() shows a function of the environment for each kind of caller (docs/emulator/open-platform.md).
 */
const emulator = useEmulator({ functionsDir: join(__dirname, '..', 'fixtures', 'cloudfunctions') })
const SECOND = 'wxsecond0000000001'
const UNBOUND = 'wxunbound000000001'

const whoCalls = async (token: string) => {
  const reply = await emulator().client('functions.callFunction', token, { name: 'echo', data: {} })
  if (!reply.ok) throw Object.assign(new Error(reply.errMsg), reply)
  return (reply.result as { wxContext: Record<string, unknown> }).wxContext
}

beforeEach(() => emulator().reset())

test('one person: a different openid per mini program, one unionid per Open Platform account', async () => {
  await emulator().openPlatform.bind('weauth-open-platform', [SECOND])
  const first = await emulator().accounts.create()
  const second = await emulator().accounts.create({ appid: SECOND, sameAs: first.openid })
  const unbound = await emulator().accounts.create({ appid: UNBOUND, sameAs: first.openid })
  const someoneElse = await emulator().accounts.create({ appid: SECOND })

  expect(first.appid).toBe(emulator().appid)
  expect(second).toMatchObject({ appid: SECOND, personId: first.personId, nickName: first.nickName })
  expect(new Set([first.openid, second.openid, unbound.openid]).size).toBe(3)
  expect(first.unionid).toMatch(/^o[A-Za-z0-9_-]{27}$/)
  expect(second.unionid).toBe(first.unionid)
  expect(unbound.unionid).toBeUndefined()
  expect(someoneElse.unionid).not.toBe(first.unionid)
})

test('another Open Platform account gives the same person another unionid', async () => {
  await emulator().openPlatform.bind('other-company', [SECOND])
  const first = await emulator().accounts.create()
  const second = await emulator().accounts.create({ appid: SECOND, sameAs: first.openid })
  expect(second.unionid).toMatch(/^o/)
  expect(second.unionid).not.toBe(first.unionid)
  await expect(emulator().openPlatform.bind('weauth-open-platform', [SECOND])).rejects.toThrow(/bound to open platform/)
})

test("the environment's own mini program: OPENID, APPID, UNIONID and no FROM_*", async () => {
  const me = await emulator().accounts.create()
  const ctx = await whoCalls(me.token)
  expect(ctx).toMatchObject({ OPENID: me.openid, APPID: emulator().appid, UNIONID: me.unionid, SOURCE: 'wx_client' })
  expect(Object.keys(ctx).filter((k) => k.startsWith('FROM_'))).toEqual([])
})

test("a sharing mini program's call carries its own ids as FROM_* and never the owner's OPENID", async () => {
  await emulator().openPlatform.bind('weauth-open-platform', [SECOND])
  emulator().openPlatform.share(SECOND)
  const owner = await emulator().accounts.create()
  const sharing = await emulator().accounts.create({ appid: SECOND, sameAs: owner.openid })
  const ctx = await whoCalls(sharing.token)
  expect(ctx).toMatchObject({
    FROM_APPID: SECOND,
    FROM_OPENID: sharing.openid,
    FROM_UNIONID: owner.unionid,
    ENV: emulator().envId,
  })
  expect(ctx.OPENID).toBeUndefined()
  expect(ctx.APPID).toBeUndefined()
  expect(ctx.UNIONID).toBeUndefined()
})

test('a sharing mini program bound to no Open Platform account gets no FROM_UNIONID', async () => {
  emulator().openPlatform.share(UNBOUND)
  const device = await emulator().accounts.create({ appid: UNBOUND })
  const ctx = await whoCalls(device.token)
  expect(ctx).toMatchObject({ FROM_APPID: UNBOUND, FROM_OPENID: device.openid })
  expect(ctx.FROM_UNIONID).toBeUndefined()
})

test('an environment not shared with the caller refuses it (INVALIID_ENV), and unsharing takes effect', async () => {
  const device = await emulator().accounts.create({ appid: SECOND })
  await expect(emulator().client('functions.callFunction', device.token, { name: 'echo' })).resolves.toMatchObject({
    ok: false,
    errCode: -501005,
  })
  emulator().openPlatform.share(SECOND)
  expect((await whoCalls(device.token)).FROM_OPENID).toBe(device.openid)
  emulator().openPlatform.unshare(SECOND)
  await expect(emulator().client('functions.callFunction', device.token, { name: 'echo' })).resolves.toMatchObject({
    ok: false,
  })
})

test('the control API binds, shares and creates devices for another appid', async () => {
  await emulator().control('openPlatform.bind', { id: 'weauth-open-platform', appids: [SECOND] })
  await emulator().control('environment.share', { appid: SECOND })
  const { account: first } = (await emulator().control('accounts.create', {})) as any
  const { account: second } = (await emulator().control('accounts.create', {
    appid: SECOND,
    sameAs: first.openid,
  })) as any
  expect(second.unionid).toBe(first.unionid)
  expect(await emulator().control('openPlatform.list')).toMatchObject({
    owner: emulator().appid,
    sharedWith: [SECOND],
    accounts: [{ id: 'weauth-open-platform', appids: [emulator().appid, SECOND] }],
  })
  await expect(emulator().control('openPlatform.bind', { id: 'x', appids: ['not-an-appid'] })).rejects.toThrow()
  await expect(emulator().control('accounts.create', { appid: SECOND, sameAs: 'nobody00' })).rejects.toThrow()
})

test('binding an app later gives its existing devices a unionid', async () => {
  const first = await emulator().accounts.create()
  const before = await emulator().accounts.create({ appid: SECOND, sameAs: first.openid })
  expect(before.unionid).toBeUndefined()
  const { code } = (await emulator().client('auth.login', before.token, {})) as any
  await emulator().openPlatform.bind('weauth-open-platform', [SECOND])
  expect((await emulator().accounts.byOpenid(before.openid))?.unionid).toBe(first.unionid)
  // a code from before the binding, exchanged after it: jscode2session answers the unionid it has now
  const services = (await import('../../emulator/src/core/services')).servicesOf(emulator())
  expect(await services.accounts.code2Session(code, SECOND)).toMatchObject({ ok: true, unionid: first.unionid })
})

test('a login code answers only to the appid whose wx.login issued it', async () => {
  await emulator().openPlatform.bind('weauth-open-platform', [SECOND])
  const device = await emulator().accounts.create({ appid: SECOND })
  const { code } = (await emulator().client('auth.login', device.token, {})) as any
  const services = (await import('../../emulator/src/core/services')).servicesOf(emulator())
  expect(await services.accounts.code2Session(code, emulator().appid)).toMatchObject({ ok: false, errcode: 40029 })
  const { code: again } = (await emulator().client('auth.login', device.token, {})) as any
  expect(await services.accounts.code2Session(again, SECOND)).toMatchObject({
    ok: true,
    openid: device.openid,
    unionid: device.unionid,
  })
})
