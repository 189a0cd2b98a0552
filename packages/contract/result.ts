import { messageFor, type ErrorCode } from './errors'

/** Every WeAuth cloud function and server endpoint answers in this shape, so the app handles failures in one place. */
export type Ok<T> = { ok: true } & T
export interface Fail {
  ok: false
  code: ErrorCode
  message: string
}
export type Result<T> = Ok<T> | Fail

export const ok = <T extends object>(value: T): Ok<T> => ({ ok: true, ...value })

/** A failure with the table's message, or a more specific one (a field that failed its schema, say). */
export const fail = (code: ErrorCode, message: string = messageFor(code)): Fail => ({ ok: false, code, message })
