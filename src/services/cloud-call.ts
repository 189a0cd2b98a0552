import Taro from '@tarojs/taro'
import { TRANSIENT_BACKOFF_MS, withRetry } from './retry'

import { isErrorCode, WeAuthError } from '../../packages/contract/errors'
import type { Result } from '../../packages/contract/result'

/**
 * Calls a WeAuth cloud function and returns its payload, or throws WeAuthError with the message to show.
 * `idempotent` calls (repeating them changes nothing more) are retried after transient failures.
 */
export function callCloud<T extends object>(
  name: string,
  data: Record<string, unknown>,
  options: { idempotent?: boolean } = {},
): Promise<T> {
  const once = () => callOnce<T>(name, data)
  if (!options.idempotent) return once()
  return withRetry(once, { backoffMs: TRANSIENT_BACKOFF_MS, retryable: (e) => e instanceof WeAuthError && e.retryable })
}

async function callOnce<T extends object>(name: string, data: Record<string, unknown>): Promise<T> {
  let reply: Result<T>
  try {
    const res = await Taro.cloud.callFunction({ name, data })
    reply = res.result as Result<T>
  } catch {
    throw new WeAuthError('NETWORK')
  }
  if (!reply || typeof reply !== 'object') throw new WeAuthError('UPSTREAM')
  // a function's own message can be more specific than the table's (which field failed its schema)
  if (!reply.ok) throw new WeAuthError(isErrorCode(reply.code) ? reply.code : 'UPSTREAM', reply.message || undefined)
  return reply
}
