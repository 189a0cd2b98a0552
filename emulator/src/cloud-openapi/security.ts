import { randomBytes } from 'node:crypto'
import { OPENID_PATTERN } from '../accounts/ids'
import { wxErrmsg } from './replies'

/**
 * security.msgSecCheck, versions 1 and 2.
 * v2: https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/sec-center/sec-check/msgSecCheck.html
 *   {content ≤ 2500 chars, version: 2, scene 1-4, openid, title?, nickname?, signature?} →
 *   {errcode 0, result: {suggest, label}, detail: [{strategy, errcode, suggest, label, keyword?, prob?}], trace_id};
 *   errcodes 40003 invalid openid, 40129 invalid scene, -1 system error.
 * v1 (frozen since 2021-09-01): {content} → errcode 0, or 87014 "risky content".
 * The verdict comes from the risky words a test registers (fixtures.addRiskyWords): a hit is `risky` with label
 * 21000 ("其他"); anything else passes with label 100. The emulator never answers `review`.
 */
export const MAX_CONTENT_CHARS = 2500
const LABEL_NORMAL = 100
const LABEL_OTHER = 21000

export function msgSecCheck(data: Record<string, unknown>, riskyWords: ReadonlySet<string>): Record<string, unknown> {
  const hit = (text: unknown) => (typeof text === 'string' ? [...riskyWords].find((w) => text.includes(w)) : undefined)
  const { content, version, scene, openid, title, nickname, signature } = data
  if (typeof content !== 'string')
    return { errcode: 47001, errmsg: wxErrmsg('data format error: content must be a string') }

  if (version === undefined || version === 1) {
    return hit(content) ? { errcode: 87014, errmsg: wxErrmsg('risky content') } : { errcode: 0, errmsg: 'ok' }
  }
  if (version !== 2) return { errcode: 47001, errmsg: wxErrmsg('data format error: version must be 2') }
  if (typeof openid !== 'string' || !OPENID_PATTERN.test(openid))
    return { errcode: 40003, errmsg: wxErrmsg('invalid openid') }
  if (scene !== 1 && scene !== 2 && scene !== 3 && scene !== 4)
    return { errcode: 40129, errmsg: wxErrmsg('invalid scene') }
  // WeChat documents the 2500-character limit but not its errcode; the emulator refuses longer text as a format error
  if ([...content].length > MAX_CONTENT_CHARS)
    return { errcode: 47001, errmsg: wxErrmsg(`data format error: content is over ${MAX_CONTENT_CHARS} characters`) }
  for (const [key, value] of Object.entries({ title, nickname, signature })) {
    if (value !== undefined && typeof value !== 'string')
      return { errcode: 47001, errmsg: wxErrmsg(`data format error: ${key} must be a string`) }
  }

  // signature counts only in the profile scene (scene 1)
  const keyword = hit(content) ?? hit(title) ?? hit(nickname) ?? (scene === 1 ? hit(signature) : undefined)
  const suggest = keyword ? 'risky' : 'pass'
  const label = keyword ? LABEL_OTHER : LABEL_NORMAL
  return {
    errcode: 0,
    errmsg: 'ok',
    result: { suggest, label },
    detail: [
      { strategy: 'content_model', errcode: 0, suggest, label, prob: keyword ? 90 : 0 },
      keyword
        ? { strategy: 'keyword', errcode: 0, suggest, label, level: 90, keyword }
        : { strategy: 'keyword', errcode: 0, suggest, label },
    ],
    trace_id: [0, 0, 0].map(() => randomBytes(4).toString('hex')).join('-'),
  }
}
