import { EJSON } from 'bson'
import { invalidParam } from '../core/errors'

/**
 * The database wire format of the TCB API: queries, updates and documents travel as MongoDB Extended JSON
 * strings (canonical mode), and `db.serverDate()` as `{ $tcb_server_date: { offset } }`.
 */

/** Parses one EJSON field of a request; anything else is a clear INVALID_PARAM. */
export function parseEjson(value: unknown, field: string): unknown {
  if (typeof value !== 'string') throw invalidParam(`${field} must be an EJSON string`)
  if (value.length > MAX_REQUEST_CHARS) throw invalidParam(`${field} is larger than ${MAX_REQUEST_CHARS} characters`)
  try {
    return EJSON.parse(value, { relaxed: true })
  } catch (e) {
    throw invalidParam(`${field} is not valid EJSON: ${(e as Error).message}`)
  }
}

/** Like parseEjson but requires a plain object (a query, a document, an update). */
export function parseEjsonObject(value: unknown, field: string): Record<string, unknown> {
  const parsed = parseEjson(value, field)
  if (!isPlainObject(parsed)) throw invalidParam(`${field} must encode an object`)
  return parsed
}

/** Documents go back canonical, which the SDK's EJSON.parse turns into numbers and Dates again. */
export function serializeDoc(doc: Record<string, unknown>): string {
  return EJSON.stringify(doc, { relaxed: false })
}

/** WeChat: a single document is at most 16 MB (MongoDB's limit); requests are bounded the same way. */
export const MAX_REQUEST_CHARS = 16 * 1024 * 1024

/** Replaces every `{ $tcb_server_date: { offset } }` with the server's time plus offset (ms). */
export function resolveServerDates<T>(value: T, now: number): T {
  if (Array.isArray(value)) return value.map((v) => resolveServerDates(v, now)) as T
  if (!isPlainObject(value)) return value
  const marker = value.$tcb_server_date
  if (marker !== undefined && Object.keys(value).length === 1) {
    const offset = isPlainObject(marker) && typeof marker.offset === 'number' ? marker.offset : 0
    return new Date(now + offset) as T
  }
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) out[k] = resolveServerDates(v, now)
  return out as T
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/**
 * A deep copy made in this module's realm (structuredClone returns the host realm's Dates, which mingo does
 * not recognise as dates inside Jest's sandbox, and would then compare as equal empty objects).
 */
export function cloneValue<T>(value: T): T {
  if (Array.isArray(value)) return value.map(cloneValue) as T
  if (Object.prototype.toString.call(value) === '[object Date]') return new Date((value as Date).getTime()) as T
  if (typeof value !== 'object' || value === null) return value
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) out[k] = cloneValue(v)
  return out as T
}
