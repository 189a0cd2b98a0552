import { WeAuthError } from '../../../packages/contract/errors'

/** How long the page waits for a login round trip before offering a retry (the function's own limit is 3 s). */
export const LOGIN_TIMEOUT_MS = 10_000

/** The message of a login that took too long (more specific than the table's TIMEOUT). */
export const LOGIN_TIMEOUT_MESSAGE = '登录超时，请重试'

/** Rejects with a retryable TIMEOUT WeAuthError when the login takes longer than `ms`: no endless spinner. */
export function withLoginTimeout<T>(promise: Promise<T>, ms: number = LOGIN_TIMEOUT_MS): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new WeAuthError('TIMEOUT', LOGIN_TIMEOUT_MESSAGE)), ms)
    promise.then(
      (v) => {
        clearTimeout(timer)
        resolve(v)
      },
      (e) => {
        clearTimeout(timer)
        reject(e)
      },
    )
  })
}
