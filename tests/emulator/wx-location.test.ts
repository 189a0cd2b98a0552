import { createWxRuntime } from '../../emulator/src/simulated-wx'
import type { LocationAppConfig } from '../../emulator/src/simulated-wx'

/** The simulated client's location APIs and app.json checks, without a page. */
const DECLARED: LocationAppConfig = {
  requiredBackgroundModes: ['location'],
  requiredPrivateInfos: ['getLocation', 'onLocationChange', 'startLocationUpdate', 'startLocationUpdateBackground'],
  permission: { 'scope.userLocation': { desc: '用于测试' } },
}

const runtime = (appConfig: LocationAppConfig | undefined, scopes: Record<string, 'allow' | 'deny'> = {}) =>
  createWxRuntime({ transport: async () => ({ ok: true }), appConfig, choices: { scopes } })

describe('simulated wx location APIs', () => {
  test('getLocation asks for scope.userLocation once; a deny sticks until the settings page', async () => {
    const rt = runtime(DECLARED, { 'scope.userLocation': 'deny' })
    await expect(rt.wx.getLocation({})).rejects.toMatchObject({ errMsg: 'getLocation:fail auth deny' })
    rt.state.choices.scopes['scope.userLocation'] = 'allow'
    await expect(rt.wx.getLocation({})).rejects.toMatchObject({ errMsg: 'getLocation:fail auth deny' })
    await rt.wx.openSetting({})
    await expect(rt.wx.getLocation({ type: 'gcj02' })).resolves.toMatchObject({
      latitude: 23.099994,
      longitude: 113.32452,
      type: 'gcj02',
      errMsg: 'getLocation:ok',
    })
  })

  test('APIs missing from requiredPrivateInfos, requiredBackgroundModes or the permission desc fail like WeChat', async () => {
    const undeclared = runtime({ ...DECLARED, requiredPrivateInfos: [] })
    await expect(undeclared.wx.getLocation({})).rejects.toMatchObject({
      errMsg: expect.stringContaining('requiredPrivateInfos'),
    })
    const noBackgroundMode = runtime({ ...DECLARED, requiredBackgroundModes: [] })
    noBackgroundMode.state.settings.set('scope.userLocationBackground', true)
    await expect(noBackgroundMode.wx.startLocationUpdateBackground({})).rejects.toMatchObject({
      errMsg: expect.stringContaining('requiredBackgroundModes'),
    })
    const noDesc = runtime({ ...DECLARED, permission: {} })
    await expect(noDesc.wx.getLocation({})).rejects.toMatchObject({
      errMsg: 'getLocation:fail require permission desc',
    })
  })

  test('the compiled app.json declares what the scope center uses', () => {
    const { readFileSync, existsSync } = require('node:fs') as typeof import('node:fs')
    const appJson = require('node:path').join(__dirname, '..', '..', 'dist', 'app.json')
    if (!existsSync(appJson)) throw new Error('dist/app.json is missing: build the weapp first (npm test does)')
    const app = JSON.parse(readFileSync(appJson, 'utf8'))
    expect(app.requiredBackgroundModes).toContain('location')
    // exactly what the scope center calls (tests/pages/devtools-ready.test.ts checks it against src/)
    expect([...app.requiredPrivateInfos].sort()).toEqual(['onLocationChange', 'startLocationUpdateBackground'])
    expect(app.permission['scope.userLocation'].desc.length).toBeGreaterThan(0)
    expect(app.permission['scope.userLocation'].desc.length).toBeLessThanOrEqual(30)
    // the scope center is a subpackage (not on the first screen): its page is listed under subPackages
    const pages = [
      ...app.pages,
      ...(app.subPackages ?? app.subpackages ?? []).flatMap((p: { root: string; pages: string[] }) =>
        p.pages.map((page) => `${p.root.replace(/\/$/, '')}/${page}`),
      ),
    ]
    expect(pages).toContain('pages/scopes/index')
  })

  test('foreground updates stop in the background; background updates continue; stopLocationUpdate ends both', async () => {
    const rt = runtime(DECLARED)
    const seen: unknown[] = []
    rt.wx.onLocationChange((res: unknown) => seen.push(res))
    await rt.wx.startLocationUpdate({})
    expect(rt.location.move({ latitude: 1, longitude: 2 })).toBe(true)
    rt.location.enterBackground()
    expect(rt.location.move({ latitude: 3, longitude: 4 })).toBe(false)
    rt.state.settings.set('scope.userLocationBackground', true)
    await rt.wx.startLocationUpdateBackground({})
    expect(rt.location.move({ latitude: 5, longitude: 6 })).toBe(true)
    await rt.wx.stopLocationUpdate({})
    expect(rt.location.move({ latitude: 7, longitude: 8 })).toBe(false)
    expect(seen).toEqual([
      expect.objectContaining({ latitude: 1, longitude: 2 }),
      expect.objectContaining({ latitude: 5, longitude: 6 }),
    ])
  })

  test('revoking scope.userLocation while updating stops them and reports onLocationChangeError', async () => {
    const rt = runtime(DECLARED)
    const errors: unknown[] = []
    rt.wx.onLocationChangeError((e: unknown) => errors.push(e))
    rt.wx.onLocationChange(() => undefined)
    await rt.wx.startLocationUpdate({})
    rt.location.revoke('scope.userLocation')
    expect(rt.location.status().mode).toBe('off')
    expect(errors).toEqual([{ errCode: 2, errMsg: 'onLocationChange:fail auth deny' }])
    expect(Object.fromEntries(rt.state.settings)).toMatchObject({
      'scope.userLocation': false,
      'scope.userLocationBackground': false,
    })
  })
})

describe('simulated wx.request', () => {
  test('any HTTP status is a success with statusCode; JSON bodies are parsed; network errors fail', async () => {
    const seen: unknown[] = []
    const rt = createWxRuntime({
      transport: async () => ({ ok: true }),
      request: async (req) => {
        seen.push(req)
        if (req.url.includes('down')) throw new Error('net::ERR_CONNECTION_RESET')
        return {
          statusCode: req.url.includes('missing') ? 404 : 200,
          header: { 'content-type': 'application/json' },
          body: req.url.includes('text') ? 'plain' : '{"ok":true}',
        }
      },
    })
    const call = (o: Record<string, unknown>) =>
      new Promise((resolve, reject) => rt.wx.request({ ...o, success: resolve, fail: reject }))
    await expect(call({ url: 'https://api.example.com/a', method: 'POST', data: { x: 1 } })).resolves.toMatchObject({
      statusCode: 200,
      data: { ok: true },
      errMsg: 'request:ok',
    })
    expect(seen[0]).toMatchObject({ method: 'POST', body: '{"x":1}', header: { 'content-type': 'application/json' } })
    await expect(call({ url: 'https://api.example.com/missing' })).resolves.toMatchObject({ statusCode: 404 })
    await expect(call({ url: 'https://api.example.com/text' })).resolves.toMatchObject({ data: 'plain' })
    await call({ url: 'https://api.example.com/q', data: { a: 'b c' } })
    expect(seen[3]).toMatchObject({ url: 'https://api.example.com/q?a=b%20c', body: undefined })
    await expect(call({ url: 'https://down.example.com/' })).rejects.toMatchObject({
      errMsg: 'request:fail net::ERR_CONNECTION_RESET',
    })
    await expect(call({ url: 'ftp://x' })).rejects.toMatchObject({ errMsg: expect.stringContaining('invalid url') })
  })
})
