import Taro from '@tarojs/taro'
import { TRANSIENT_BACKOFF_MS, withRetry } from './retry'

/** The reply shape every WeAuth cloud function uses (cloudfunctions/_shared/result.ts). */
export type CloudReply<T> = ({ ok: true } & T) | { ok: false; code: string; message: string }

/** A failure a person can act on, with whether trying again can help. */
export class CloudCallError extends Error {
  constructor(message: string, readonly code: string, readonly retryable: boolean) {
    super(message)
    this.name = 'CloudCallError'
  }
}

const NOT_RETRYABLE = new Set(['INVALID_INPUT', 'ACCOUNT_BANNED', 'CONSENT_REQUIRED', 'RISKY_CONTENT', 'NOT_LOGGED_IN'])

/**
 * Calls a WeAuth cloud function and returns its payload, or throws CloudCallError with the message to show.
 * `idempotent` calls (repeating them changes nothing more) are retried after transient failures.
 */
export function callCloud<T extends object>(name: string, data: Record<string, unknown>, options: { idempotent?: boolean } = {}): Promise<T> {
  const once = () => callOnce<T>(name, data)
  if (!options.idempotent) return once()
  return withRetry(once, { backoffMs: TRANSIENT_BACKOFF_MS, retryable: (e) => e instanceof CloudCallError && e.retryable })
}

async function callOnce<T extends object>(name: string, data: Record<string, unknown>): Promise<T> {
  let reply: CloudReply<T>
  try {
    const res = await Taro.cloud.callFunction({ name, data })
    reply = res.result as CloudReply<T>
  } catch {
    throw new CloudCallError('网络或服务异常，请稍后重试', 'UPSTREAM', true)
  }
  if (!reply || typeof reply !== 'object') throw new CloudCallError('服务返回异常，请稍后重试', 'UPSTREAM', true)
  if (!reply.ok) throw new CloudCallError(reply.message, reply.code, !NOT_RETRYABLE.has(reply.code))
  return reply
}
