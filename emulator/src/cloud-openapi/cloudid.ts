import { randomBytes } from 'node:crypto'
import { invalidParam } from '../core/errors'

/**
 * CloudIDs: the handles open-data APIs give the mini program (e.g. getPhoneNumber's `cloudID` on old base
 * libraries), which a cloud function exchanges for the data with cloud.getOpenData({ list }).
 * - valid for 5 minutes ("cloudID 有效期五分钟", https://developers.weixin.qq.com/miniprogram/dev/framework/open-ability/signature.html)
 * - each list item is `{ cloudID, data }` (https://developers.weixin.qq.com/miniprogram/dev/wxcloud/reference-sdk-api/open/Cloud.getOpenData.html)
 * - failures use wx-server-sdk's codes -601005 invalid cloudID, -601006 cloudID expired
 * - bound and single use (an assumption: WeChat's docs say neither): a CloudID resolves only inside an
 *   invocation triggered by the user it was issued to (the invocation's WX_API_TOKEN says who), and only once;
 *   anyone else's, or a second attempt, reads as -601005 invalid cloudID. A careful backend must not rely on a
 *   CloudID being replayable, and a stolen one must be worthless, so the emulator holds the strict line.
 */
export const CLOUD_ID_TTL_MS = 5 * 60 * 1000

interface Entry {
  openid: string
  data: unknown
  issuedAt: number
  used: boolean
}

export type Resolution =
  | { ok: true; items: Array<{ cloudId: string; json: string }> }
  | { ok: false; errorCode: number; errmsg: string }

export class CloudIds {
  private ids = new Map<string, Entry>()

  constructor(
    private readonly now: () => number,
    private readonly appid: string,
  ) {}

  /** A CloudID in WeChat's shape ("27_Ih-9vxDaOh..."); plain-object data gets the watermark WeChat adds. */
  issue(openid: string, data: unknown): string {
    if (typeof openid !== 'string' || !openid) throw invalidParam('issueCloudId: openid must be a non-empty string')
    if (data === undefined) throw invalidParam('issueCloudId: data is required')
    const issuedAt = this.now()
    const withWatermark =
      typeof data === 'object' && data !== null && !Array.isArray(data) && !('watermark' in data)
        ? { ...data, watermark: { timestamp: Math.floor(issuedAt / 1000), appid: this.appid } }
        : data
    const id = `${10 + Math.floor(Math.random() * 90)}_${randomBytes(40).toString('base64url')}`
    this.ids.set(id, { openid, data: JSON.parse(JSON.stringify(withWatermark)), issuedAt, used: false })
    return id
  }

  /** `caller`: the openid of the user whose invocation asks (undefined: no user, e.g. a timer or another function). */
  resolve(list: string[], caller: string | undefined): Resolution {
    const items: Array<{ cloudId: string; json: string }> = []
    const entries: Entry[] = []
    for (const cloudID of list) {
      const entry = this.ids.get(cloudID)
      if (!entry || entry.used || entry.openid !== caller)
        return { ok: false, errorCode: -601005, errmsg: 'invalid cloudID' }
      if (entry.issuedAt + CLOUD_ID_TTL_MS <= this.now())
        return { ok: false, errorCode: -601006, errmsg: 'cloudID expired' }
      entries.push(entry)
      items.push({ cloudId: cloudID, json: JSON.stringify({ cloudID, data: entry.data }) })
    }
    // spent only when the whole list resolves: a refused list spends none
    for (const entry of entries) entry.used = true
    return { ok: true, items }
  }

  clear(): void {
    this.ids.clear()
  }
}
