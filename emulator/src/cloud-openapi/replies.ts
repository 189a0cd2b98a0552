import { randomBytes } from 'node:crypto'
import { wechatRid } from '../core/wechat-rid'
import { encodeResponse } from './wire'

/**
 * What the `wx.openApi` action answers. WeChat answers 云调用 with a protobuf body, not JSON, so the action's
 * result carries the bytes under RAW_BODY (a symbol: invisible to JSON.stringify) for the HTTP layer to send
 * as is (`rawBodyOf`). Error replies also carry `errcode`/`errmsg` as plain fields: if a layer sends the
 * result as JSON anyway, wx-server-sdk still reports the same errCode.
 */
export const RAW_BODY = Symbol.for('weauth.emulator.rawBody')

export interface RawBody {
  contentType: string
  body: Buffer
}

export function rawBodyOf(reply: object): RawBody | undefined {
  return (reply as { [RAW_BODY]?: RawBody })[RAW_BODY]
}

const raw = (body: Buffer, fallback: Record<string, unknown> = {}): Record<string, unknown> =>
  Object.assign({ ...fallback }, { [RAW_BODY]: { contentType: 'application/octet-stream', body } satisfies RawBody })

/** WeChat appends a request id to every errmsg: "api minute-quota reach limit mustslower retry next minute rid: 65713974-7970e3f9-1a07ebbf". */
export function wxErrmsg(message: string): string {
  return `${message} rid: ${wechatRid()}`
}

/** ...and a hint to some: "invalid code hint: [IfdFrrMre-JPlAXa] rid: ...". */
export const hint = (): string => `hint: [${randomBytes(12).toString('base64url').slice(0, 16)}]`

/** An open API's JSON answer (errcode 0 or a WeChat errcode), inside CommOpenApiResp. */
export function jsonReply(payload: Record<string, unknown>): Record<string, unknown> {
  const body = encodeResponse({
    respData: Buffer.from(JSON.stringify(payload), 'utf8'),
    contentType: 'application/json; charset=utf-8',
    httpCode: 200,
  })
  const errcode = payload.errcode
  return raw(body, typeof errcode === 'number' && errcode !== 0 ? { errcode, errmsg: payload.errmsg } : {})
}

/** An open API's binary answer (an image), which wx-server-sdk hands back as `{ contentType, buffer }`. */
export function binaryReply(body: Buffer, contentType: string): Record<string, unknown> {
  return raw(encodeResponse({ respData: body, contentType, httpCode: 200 }))
}

/** A failure of 云调用 itself (no permission, unknown API): CommOpenApiResp.errorCode, which the SDK reports as errCode. */
export function systemErrorReply(errorCode: number, errmsg: string): Record<string, unknown> {
  return raw(encodeResponse({ errorCode }), { errcode: errorCode, errmsg })
}

/** An internal (svrkit) API's answer, e.g. the open data of CloudIDs. */
export function svrkitReply(respData: Buffer): Record<string, unknown> {
  return raw(encodeResponse({ respData, svrkitErrorCode: 0, httpCode: 200 }))
}
