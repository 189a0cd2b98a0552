import { AuthError } from './types'

/** How long the page waits for a login round trip before offering a retry (the function's own limit is 3 s). */
export const LOGIN_TIMEOUT_MS = 10_000

/** What the user reads for each way a login can fail, whichever provider signs in. */
export const LOGIN_MESSAGES: Record<string, string> = {
  ACCOUNT_BANNED: '该账号已被停用，如有疑问请联系客服',
  RATE_LIMITED: '操作太频繁，请稍后再试',
  UPSTREAM: '服务暂时不可用，请稍后重试',
  NETWORK: '网络异常，请检查网络后重试',
  TIMEOUT: '登录超时，请重试',
}

/** Rejects with a retryable TIMEOUT AuthError when the login takes longer than `ms`: no endless spinner. */
export function withLoginTimeout<T>(promise: Promise<T>, ms: number = LOGIN_TIMEOUT_MS): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new AuthError(LOGIN_MESSAGES.TIMEOUT, 'TIMEOUT', true)), ms)
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
