import * as v from 'valibot'
import { fail, type Fail } from './result'

/** Cloud-function events are capped well below WeChat's own limit: nothing we accept is near this. */
export const MAX_EVENT_BYTES = 16 * 1024

/**
 * Parses an event against the function's schema. Unknown keys are dropped (WeChat itself adds `userInfo`),
 * so a forged `openid` never reaches the handler; identity comes from cloud.getWXContext() only.
 */
export function parseEvent<S extends v.GenericSchema>(schema: S, event: unknown): { value: v.InferOutput<S> } | { error: Fail } {
  let size: number
  try {
    size = JSON.stringify(event ?? {}).length
  } catch {
    return { error: fail('INVALID_INPUT', 'the request is not serialisable') }
  }
  if (size > MAX_EVENT_BYTES) return { error: fail('INVALID_INPUT', `the request is larger than ${MAX_EVENT_BYTES} bytes`) }
  const parsed = v.safeParse(schema, event ?? {})
  if (parsed.success) return { value: parsed.output }
  const issue = parsed.issues[0]
  const path = issue.path?.map((p) => String(p.key)).join('.') || 'request'
  return { error: fail('INVALID_INPUT', `${path}: ${issue.message}`) }
}
