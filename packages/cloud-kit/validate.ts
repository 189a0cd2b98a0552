import * as v from 'valibot'
import { fail, type Fail } from '../contract/result'

/** Cloud-function events are capped well below WeChat's own limit: nothing we accept is near this. */
export const MAX_EVENT_BYTES = 16 * 1024

/**
 * Parses an event against the function's schema. Unknown keys are dropped (WeChat itself adds `userInfo`),
 * so a forged `openid` never reaches the handler; identity comes from cloud.getWXContext() only.
 */
export function parseEvent<S extends v.GenericSchema>(
  schema: S,
  event: unknown,
): { value: v.InferOutput<S> } | { error: Fail } {
  let size: number
  try {
    size = JSON.stringify(event ?? {}).length
  } catch {
    return { error: fail('INVALID_INPUT', '请求内容无法解析') }
  }
  if (size > MAX_EVENT_BYTES) return { error: fail('INVALID_INPUT', `请求内容超过 ${MAX_EVENT_BYTES} 字节`) }
  const parsed = v.safeParse(schema, event ?? {})
  if (parsed.success) return { value: parsed.output }
  const issue = parsed.issues[0]
  const path = issue.path?.map((p) => String(p.key)).join('.') || 'request'
  return { error: fail('INVALID_INPUT', `${path}: ${issue.message}`) }
}
