import { messageFor, type ErrorCode } from '../../../packages/contract/errors'

/** A failure with its HTTP status and the contract's code; the reply is `{ ok: false, code, message }`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string = messageFor(code),
    readonly headers: Record<string, string> = {},
  ) {
    super(message)
    this.name = 'HttpError'
  }
}

export const unauthorized = (code: 'NOT_LOGGED_IN' | 'TOKEN_EXPIRED') =>
  new HttpError(401, code, messageFor(code), {
    'www-authenticate': `Bearer realm="weauth", error="invalid_token", error_description="${code === 'TOKEN_EXPIRED' ? 'expired' : 'invalid'}"`,
  })

export const rateLimited = (retryAfterSeconds: number) =>
  new HttpError(429, 'RATE_LIMITED', messageFor('RATE_LIMITED'), {
    'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))),
  })

export const upstream = () => new HttpError(502, 'UPSTREAM')
