import { join } from 'node:path'
import { PNG } from 'pngjs'
import jsQR from 'jsqr'
import type { Emulator } from '../../../emulator/src'
import { emulatorAppSecret } from '../../../emulator/src/http/wechat-api'
import { adminSdk, callFunction, useEmulator } from '../../helpers/emulator'

/**
 * Conformance: 小程序码 / 小程序二维码 through the unmodified wx-server-sdk (云调用) and over WeChat's HTTPS API.
 * getUnlimited: https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/qrcode-link/qr-code/getUnlimitedQRCode.html
 * get:          https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/qrcode-link/qr-code/getQRCode.html
 * createQRCode: https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/qrcode-link/qr-code/createQRCode.html
 */
const APP_PAGES = ['pages/index/index', 'pages/auth/index', 'pages/user/index']
const emulator = useEmulator({
  functionsDir: join(__dirname, '..', '..', 'fixtures', 'cloudfunctions'),
  appPages: APP_PAGES,
})

/** The real wx-server-sdk signing its requests as the named cloud function (its config.json grants the 云调用). */
const sdkAs = (em: Emulator, functionName: string): any => adminSdk(em, functionName)

/** The image decoded: its size, its pixels and (read on demand, it is slow on large images) what its QR code says. */
function readCode(buffer: Buffer) {
  const png = PNG.sync.read(buffer)
  return {
    width: png.width,
    height: png.height,
    data: png.data,
    get text() {
      return jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data
    },
  }
}

describe('wxacode.getUnlimited', () => {
  test('answers a PNG Buffer of the default width 430 encoding the page and scene', async () => {
    const cloud = sdkAs(emulator(), 'share')
    const res = await cloud.openapi.wxacode.getUnlimited({ scene: 'a=1&b=2', page: 'pages/auth/index' })
    expect(res).toMatchObject({ contentType: 'image/png', errCode: 0, errMsg: 'openapi.wxacode.getUnlimited:ok' })
    expect(Buffer.isBuffer(res.buffer)).toBe(true)
    const code = readCode(res.buffer)
    expect([code.width, code.height]).toEqual([430, 430])
    const params = new URL(code.text!).searchParams
    expect(Object.fromEntries(params)).toEqual({
      appid: emulator().appid,
      page: 'pages/auth/index',
      scene: 'a=1&b=2',
      env_version: 'release',
    })
  })

  test.each([280, 1280, 517])('width %d gives an image that wide', async (width) => {
    const cloud = sdkAs(emulator(), 'share')
    const res = await cloud.openapi.wxacode.getUnlimited({ scene: 'x', width })
    expect(readCode(res.buffer).width).toBe(width)
  })

  test('line_color colours the modules; is_hyaline makes the background transparent', async () => {
    const cloud = sdkAs(emulator(), 'share')
    const res = await cloud.openapi.wxacode.getUnlimited({
      scene: 'x',
      lineColor: { r: '200', g: 10, b: 30 },
      isHyaline: true,
    })
    const { data } = readCode(res.buffer)
    const pixels = new Set<string>()
    for (let i = 0; i < data.length; i += 4) pixels.add(`${data[i]},${data[i + 1]},${data[i + 2]},${data[i + 3]}`)
    expect(pixels).toEqual(new Set(['200,10,30,255', '255,255,255,0']))
  })

  test.each([
    ['a scene over 32 characters', 40169, { scene: 'x'.repeat(33) }],
    ['a missing scene', 40169, {}],
    ['a scene that is not a string', 40169, { scene: 12 }],
    ['a scene with characters outside the allowed set', 40129, { scene: 'id=中文' }],
    ['a page not in the app while check_path is true (default)', 41030, { scene: 'x', page: 'pages/nope/index' }],
    ['a page with a leading /', 41030, { scene: 'x', page: '/pages/index/index', checkPath: false }],
    ['a page carrying parameters', 41030, { scene: 'x', page: 'pages/index/index?a=1', checkPath: false }],
    ['the reserved scancode_time in page', 85096, { scene: 'x', page: 'pages/scancode_time', checkPath: false }],
    ['a width under 280', 40097, { scene: 'x', width: 279 }],
    ['a width over 1280', 40097, { scene: 'x', width: 1281 }],
    ['a width that is not a number', 40097, { scene: 'x', width: '430' }],
    ['an unknown env_version', 40097, { scene: 'x', envVersion: 'beta' }],
    ['a line_color out of range', 40097, { scene: 'x', lineColor: { r: 256, g: 0, b: 0 } }],
  ])('%s is refused with errcode %i', async (_, errCode, data) => {
    const cloud = sdkAs(emulator(), 'share')
    await expect(cloud.openapi.wxacode.getUnlimited(data)).rejects.toMatchObject({
      errCode,
      errMsg: expect.stringMatching(/^openapi\.wxacode\.getUnlimited:fail .* rid: /),
    })
  })

  test('check_path false lets a page the app does not have through (an unreleased page)', async () => {
    const cloud = sdkAs(emulator(), 'share')
    const res = await cloud.openapi.wxacode.getUnlimited({ scene: 'x', page: 'pages/new/index', checkPath: false })
    expect(new URL(readCode(res.buffer).text!).searchParams.get('page')).toBe('pages/new/index')
  })

  test('a cloud function gets the Buffer the same way (DevTools template shape)', async () => {
    const account = await emulator().accounts.create()
    const result = await callFunction(emulator(), account, 'share', { action: 'code', scene: 'u=1' })
    expect(result).toEqual({ contentType: 'image/png', byteLength: expect.any(Number), isBuffer: true })
    expect(result.byteLength).toBeGreaterThan(100)
  })

  test('a function whose config.json does not list the API is refused with -604101', async () => {
    const cloud = sdkAs(emulator(), 'noperm')
    await expect(cloud.openapi.wxacode.getUnlimited({ scene: 'x' })).rejects.toMatchObject({ errCode: -604101 })
  })
})

describe('wxacode.get and wxacode.createQRCode', () => {
  test('get: a PNG for a path with its query; path over 1024 characters is 40159', async () => {
    const cloud = sdkAs(emulator(), 'share')
    const res = await cloud.openapi.wxacode.get({ path: 'pages/index/index?from=card', width: 300 })
    const code = readCode(res.buffer)
    expect(code.width).toBe(300)
    expect(new URL(code.text!).searchParams.get('path')).toBe('pages/index/index?from=card')
    await expect(cloud.openapi.wxacode.get({ path: 'p'.repeat(1025) })).rejects.toMatchObject({ errCode: 40159 })
    await expect(cloud.openapi.wxacode.get({})).rejects.toMatchObject({ errCode: 40159 })
    await expect(cloud.openapi.wxacode.get({ path: 'a?scancode_time=1' })).rejects.toMatchObject({ errCode: 85096 })
  })

  test('createQRCode: a PNG; path over 128 bytes is 40159 (counted in bytes: 43 Chinese characters are 129)', async () => {
    const cloud = sdkAs(emulator(), 'share')
    const res = await cloud.openapi.wxacode.createQRCode({ path: 'pages/index/index' })
    expect(readCode(res.buffer).width).toBe(430)
    await expect(cloud.openapi.wxacode.createQRCode({ path: '页'.repeat(43) })).rejects.toMatchObject({
      errCode: 40159,
    })
    await expect(cloud.openapi.wxacode.createQRCode({ path: 'p', width: 100 })).rejects.toMatchObject({
      errCode: 40097,
    })
  })
})

describe('the HTTPS API of the own server', () => {
  async function accessToken(): Promise<string> {
    const res = await fetch(`${emulator().url}/cgi-bin/stable_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'client_credential',
        appid: emulator().appid,
        secret: emulatorAppSecret(emulator().appid),
      }),
    })
    return ((await res.json()) as { access_token: string }).access_token
  }

  test('POST /wxa/getwxacodeunlimit answers the image, errors as JSON', async () => {
    const token = await accessToken()
    const post = (body: unknown, t = token) =>
      fetch(`${emulator().url}/wxa/getwxacodeunlimit?access_token=${t}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    const ok = await post({ scene: 'id=7', page: 'pages/index/index', width: 280 })
    expect(ok.headers.get('content-type')).toBe('image/png')
    expect(readCode(Buffer.from(await ok.arrayBuffer())).width).toBe(280)
    const bad = await post({ scene: 'x'.repeat(40) })
    expect(await bad.json()).toMatchObject({ errcode: 40169 })
    const noToken = await post({ scene: 'x' }, 'forged')
    expect(await noToken.json()).toMatchObject({ errcode: 40001 })
  })

  test('POST /wxa/getwxacode and /cgi-bin/wxaapp/createwxaqrcode', async () => {
    const token = await accessToken()
    for (const path of ['/wxa/getwxacode', '/cgi-bin/wxaapp/createwxaqrcode']) {
      const res = await fetch(`${emulator().url}${path}?access_token=${token}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ path: 'pages/index/index' }),
      })
      expect(res.headers.get('content-type')).toBe('image/png')
      expect(readCode(Buffer.from(await res.arrayBuffer())).text).toContain('path=pages%2Findex%2Findex')
    }
  })
})
