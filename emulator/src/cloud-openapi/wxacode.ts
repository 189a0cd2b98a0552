import { createHash } from 'node:crypto'
import QRCode from 'qrcode'
import { wxErrmsg } from './replies'

/**
 * 小程序码 and 小程序二维码: wxacode.get, wxacode.getUnlimited and wxacode.createQRCode answer an image, or a
 * JSON `{errcode, errmsg}` ("如果调用成功，会直接返回图片二进制内容，如果请求失败，会返回 JSON 格式的数据").
 * - getUnlimited: https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/qrcode-link/qr-code/getUnlimitedQRCode.html
 *   scene required, at most 32 visible characters of [0-9A-Za-z!#$&'()*+,/:;=?@-._~] (40169 for a missing or
 *   over-long scene, 40129 for other characters); page "根路径前不要填加 /，不能携带参数", with check_path (default
 *   true) a page of the app (41030 invalid page); env_version release | trial | develop.
 * - get: https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/qrcode-link/qr-code/getQRCode.html
 *   path required, at most 1024 characters (40159); together with createQRCode at most 100,000 codes (45029).
 * - createQRCode: https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/qrcode-link/qr-code/createQRCode.html
 *   path required, at most 128 bytes (40159).
 * - all three: width default 430, 280-1280 px; `scancode_time` is reserved in path/page (85096).
 * Chosen where the pages are silent: a width outside 280-1280, an unknown env_version, a line_color that is not
 * {r,g,b} of 0-255 and non-boolean flags are refused with 40097 "invalid args" (WeChat's code for bad arguments)
 * rather than drawn some other way. The image is always a PNG QR code (WeChat's 小程序码 is a round code only
 * WeChat can scan) that encodes `weauth-emulator:wxacode?...` with the appid, page or path, scene and env_version,
 * so a test can read back what the code would open.
 */
export const WXACODE_APIS = ['wxacode.get', 'wxacode.getUnlimited', 'wxacode.createQRCode'] as const
export type WxacodeApi = (typeof WXACODE_APIS)[number]

export const MIN_WIDTH = 280
export const MAX_WIDTH = 1280
export const DEFAULT_WIDTH = 430
export const MAX_SCENE_CHARS = 32
export const MAX_GET_PATH_CHARS = 1024
export const MAX_CREATE_QRCODE_PATH_BYTES = 128
/** "与 createQRCode 总共生成的码数量限制为 100,000" */
export const LIMITED_CODES = 100_000
const SCENE_CHARS = /^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]*$/
const ENV_VERSIONS = new Set(['release', 'trial', 'develop'])

export interface Refusal {
  ok: false
  errcode: number
  errmsg: string
}
export type WxacodeAnswer = { ok: true; contentType: 'image/png'; body: Buffer } | Refusal

const refuse = (errcode: number, message: string): Refusal => ({
  ok: false,
  errcode,
  errmsg: wxErrmsg(message),
})
const invalidArgs = (why: string) => refuse(40097, `invalid args: ${why}`)

export class WxaCodes {
  /** hashes of the distinct paths get/createQRCode drew, toward the 100,000 limit */
  private limited = new Set<string>()

  /**
   * `appPages()`: the pages of the released app (app.json's pages and subpackage pages) that check_path checks
   * against; undefined when the emulator was told none, and then every well-formed page passes.
   */
  constructor(
    private readonly appid: string,
    private readonly appPages: () => ReadonlySet<string> | undefined,
    private readonly limit = LIMITED_CODES,
  ) {}

  async answer(api: WxacodeApi, data: Record<string, unknown>): Promise<WxacodeAnswer> {
    const style = drawingStyle(data)
    if ('errcode' in style) return style
    const envVersion = data.env_version ?? 'release'
    if (typeof envVersion !== 'string' || !ENV_VERSIONS.has(envVersion))
      return invalidArgs('env_version must be release, trial or develop')

    let target: Record<string, string>
    if (api === 'wxacode.getUnlimited') {
      const checked = this.checkUnlimited(data)
      if ('errcode' in checked) return checked
      target = { page: checked.page, scene: checked.scene }
    } else {
      const checked = this.checkLimited(api, data)
      if ('errcode' in checked) return checked
      target = { path: checked.path }
    }
    const text = `weauth-emulator:wxacode?${new URLSearchParams({ appid: this.appid, ...target, env_version: envVersion })}`
    // pngjs's Up filter alone: a QR code's rows repeat, and trying every filter per row costs 5x the time
    // (qrcode passes filterType on to pngjs; its types do not list it)
    const rendererOpts = { filterType: 2, deflateLevel: 6 } as QRCode.QRCodeToBufferOptions['rendererOpts']
    const body = await QRCode.toBuffer(text, {
      type: 'png',
      // qrcode floors width × scale, which can lose a pixel to rounding: half a pixel more lands on the width asked
      width: style.width + 0.5,
      margin: 2,
      errorCorrectionLevel: 'M',
      color: { dark: style.dark, light: style.light },
      rendererOpts,
    })
    return { ok: true, contentType: 'image/png', body }
  }

  clear(): void {
    this.limited.clear()
  }

  private checkUnlimited(data: Record<string, unknown>): { page: string; scene: string } | Refusal {
    const { scene, page, check_path: checkPath = true } = data
    if (typeof scene !== 'string' || scene === '' || charCount(scene) > MAX_SCENE_CHARS)
      return refuse(40169, 'invalid length for scene, or the data is not json string')
    if (!SCENE_CHARS.test(scene)) return refuse(40129, 'invalid scene')
    if (typeof checkPath !== 'boolean') return invalidArgs('check_path must be a boolean')
    if (page === undefined || page === '') return { page: '', scene }
    if (typeof page !== 'string') return refuse(41030, 'invalid page')
    if (/scancode_time/.test(page)) return refuse(85096, 'not allow include scancode_time field')
    // "根路径前不要填加 /，不能携带参数（参数请放在scene字段里）"
    if (page.startsWith('/') || /[?#]/.test(page) || page.length > MAX_GET_PATH_CHARS)
      return refuse(41030, 'invalid page')
    const pages = this.appPages()
    if (checkPath && pages && !pages.has(page)) return refuse(41030, 'invalid page')
    return { page, scene }
  }

  private checkLimited(api: WxacodeApi, data: Record<string, unknown>): { path: string } | Refusal {
    const { path } = data
    const tooLong =
      typeof path === 'string' &&
      (api === 'wxacode.get'
        ? charCount(path) > MAX_GET_PATH_CHARS
        : Buffer.byteLength(path, 'utf8') > MAX_CREATE_QRCODE_PATH_BYTES)
    if (typeof path !== 'string' || path === '' || tooLong)
      return refuse(40159, 'invalid length for path, or the data is not json string')
    if (/scancode_time/.test(path)) return refuse(85096, 'not allow include scancode_time field')
    const key = createHash('sha256').update(path).digest('base64')
    if (!this.limited.has(key)) {
      if (this.limited.size >= this.limit) return refuse(45029, 'qrcode count out of limit')
      this.limited.add(key)
    }
    return { path }
  }
}

/** width, line_color / auto_color and is_hyaline as qrcode's options, or 40097. */
function drawingStyle(data: Record<string, unknown>): { width: number; dark: string; light: string } | Refusal {
  const {
    width = DEFAULT_WIDTH,
    auto_color: autoColor = false,
    line_color: lineColor,
    is_hyaline: hyaline = false,
  } = data
  if (typeof width !== 'number' || !Number.isInteger(width) || width < MIN_WIDTH || width > MAX_WIDTH)
    return invalidArgs(`width must be an integer from ${MIN_WIDTH} to ${MAX_WIDTH}`)
  if (typeof autoColor !== 'boolean') return invalidArgs('auto_color must be a boolean')
  if (typeof hyaline !== 'boolean') return invalidArgs('is_hyaline must be a boolean')
  let dark = '#000000ff'
  if (lineColor !== undefined) {
    const rgb = rgbOf(lineColor)
    if (!rgb) return invalidArgs('line_color must be {r, g, b} with decimal values 0-255')
    // "auto_color 为 false 时生效"; the emulator has no main colour to pick, so auto_color draws black
    if (!autoColor) dark = `#${rgb.map((c) => c.toString(16).padStart(2, '0')).join('')}ff`
  }
  return { width, dark, light: hyaline ? '#ffffff00' : '#ffffffff' }
}

/** {"r":"xxx","g":"xxx","b":"xxx"} "十进制表示": numbers or decimal strings */
function rgbOf(value: unknown): number[] | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
  const channels = ['r', 'g', 'b'].map((k) => {
    const v = (value as Record<string, unknown>)[k]
    const n = typeof v === 'string' && /^\d{1,3}$/.test(v) ? Number(v) : v
    return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 255 ? n : undefined
  })
  return channels.every((c) => c !== undefined) ? (channels as number[]) : undefined
}

/** characters (code points), without spreading a huge string: over twice the limit in UTF-16 units is over anyway */
const charCount = (text: string): number => (text.length > 2 * MAX_GET_PATH_CHARS ? text.length : [...text].length)
