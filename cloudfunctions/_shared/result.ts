/** Every WeAuth cloud function answers in one shape, so the client handles failures in one place. */
export type Ok<T> = { ok: true } & T
export interface Fail {
  ok: false
  code: ErrorCode
  message: string
}
export type Result<T> = Ok<T> | Fail

export type ErrorCode =
  | 'INVALID_INPUT' // the event failed its schema
  | 'NOT_LOGGED_IN' // no caller identity in the WeChat context, or no user record yet
  | 'ACCOUNT_BANNED'
  | 'CONSENT_REQUIRED' // personal data before the user agreed to the privacy policy
  | 'RISKY_CONTENT'
  | 'PHONE_CODE_INVALID'
  | 'PHONE_QUOTA'
  | 'UPSTREAM' // a WeChat service failed; safe to retry
  | 'INTERNAL'

export const ok = <T extends object>(value: T): Ok<T> => ({ ok: true, ...value })
export const fail = (code: ErrorCode, message: string): Fail => ({ ok: false, code, message })
