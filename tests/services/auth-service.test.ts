import { createWxRuntime, inProcessTransport, type WxRuntime } from '../../emulator/src/simulated-wx'
import { useEmulator } from '../helpers/emulator'
import { recordFigures } from '../helpers/figures'

/**
 * The login state service on its own, with Taro's API answered by the emulator's simulated WeChat client
 * (the real cloud-function round trip, no page): single flight, restore, retries.
 */
const mockTaro: { wx?: WxRuntime['wx'] } = {}
jest.mock('@tarojs/taro', () => ({
  __esModule: true,
  default: new Proxy({}, { get: (_t, key) => (mockTaro.wx as Record<string | symbol, unknown>)[key] }),
}))

const emulator = useEmulator()

async function device() {
  const account = await emulator().accounts.create()
  const runtime = createWxRuntime({ transport: inProcessTransport(emulator(), account.token) })
  runtime.wx.cloud.init({})
  mockTaro.wx = runtime.wx
  // a fresh module graph per device: the service is a singleton of the app
  jest.resetModules()
  const { AuthService } =
    require('../../src/services/auth/auth-service') as typeof import('../../src/services/auth/auth-service')
  return { account, runtime, AuthService }
}

const cloudCalls = (runtime: WxRuntime) => runtime.state.calls.filter((c) => c.startsWith('cloud.callFunction'))

test('ten concurrent login() callers share one cloud round trip and get the same user', async () => {
  const { runtime, AuthService } = await device()
  const service = new AuthService()
  const users = await Promise.all(Array.from({ length: 10 }, () => service.login()))
  expect(cloudCalls(runtime)).toEqual(['cloud.callFunction:login'])
  expect(new Set(users.map((u) => u.id)).size).toBe(1)
  expect(service.getState()).toMatchObject({ status: 'logged-in', error: null })
  const records = (await emulator().database.dump('users')).filter((u) => u._id === users[0].id)
  expect(records).toHaveLength(1)
  recordFigures('single-flight-login', {
    guarantee: 'concurrent login() callers on one device share one round trip',
    test: 'tests/services/auth-service.test.ts',
    callers: 10,
    cloudCalls: cloudCalls(runtime).length,
    records: records.length,
  })
})

test('restore(): a cached state with a valid WeChat session costs zero cloud calls; corrupt storage starts clean', async () => {
  const { runtime, AuthService } = await device()
  await new AuthService().login()
  runtime.state.calls.length = 0
  const relaunched = new AuthService()
  expect(await relaunched.restore()).not.toBeNull()
  expect(cloudCalls(runtime)).toHaveLength(0)
  expect(runtime.state.calls).toContain('checkSession')

  for (const junk of ['not json', { v: 1, user: { id: 42 } }, { v: 99, user: {} }, null, 12]) {
    runtime.wx.setStorageSync('weauth:session', junk)
    const service = new AuthService()
    expect(await service.restore()).toBeNull()
    expect(service.getState().status).toBe('idle')
  }
})

test('a transient failure is retried (2 retries, backoff); a lasting one surfaces once, retryable', async () => {
  const { runtime, AuthService } = await device()
  emulator().faults.add({
    service: 'database',
    action: 'database.getDocument',
    error: { code: 'DATABASE_REQUEST_FAILED' },
    times: 2,
  })
  const started = Date.now()
  const user = await new AuthService().login()
  expect(user.loginCount).toBe(1)
  expect(cloudCalls(runtime)).toHaveLength(3)
  expect(Date.now() - started).toBeGreaterThanOrEqual(300 + 900)

  runtime.state.calls.length = 0
  emulator().faults.add({
    service: 'database',
    action: 'database.getDocument',
    error: { code: 'DATABASE_REQUEST_FAILED' },
    times: 3,
  })
  const service = new AuthService()
  await expect(service.login()).rejects.toMatchObject({ code: 'UPSTREAM', retryable: true })
  expect(cloudCalls(runtime)).toHaveLength(3)
  expect(service.getState()).toMatchObject({ status: 'error', error: expect.stringContaining('稍后重试') })
})

test('a banned account is not retried: one call, a clear message', async () => {
  const { account, runtime, AuthService } = await device()
  await new AuthService().login()
  await emulator().admin('database.modifyDocument', {
    collectionName: 'users',
    query: JSON.stringify({ _openid: account.openid }),
    data: JSON.stringify({ $set: { status: 'banned' } }),
  })
  runtime.state.calls.length = 0
  await expect(new AuthService().login()).rejects.toMatchObject({ code: 'ACCOUNT_BANNED', retryable: false })
  expect(cloudCalls(runtime)).toHaveLength(1)
})
