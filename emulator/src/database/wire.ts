import { BSONRegExp, EJSON } from 'bson'
import { invalidParam } from '../core/errors'

/**
 * The database wire format of the TCB API: queries, updates and documents travel as MongoDB Extended JSON
 * strings (canonical mode), and `db.serverDate()` as `{ $tcb_server_date: { offset } }`.
 */

/** Parses one EJSON field of a request; anything else is a clear INVALID_PARAM. */
export function parseEjson(value: unknown, field: string): unknown {
  if (typeof value !== 'string') throw invalidParam(`${field} must be an EJSON string`)
  if (value.length > MAX_REQUEST_CHARS) throw invalidParam(`${field} is larger than ${MAX_REQUEST_CHARS} characters`)
  let parsed: unknown
  try {
    parsed = EJSON.parse(value, { relaxed: true })
  } catch (e) {
    throw invalidParam(`${field} is not valid EJSON: ${(e as Error).message}`)
  }
  if (depthOf(parsed) > MAX_NESTING) throw invalidParam(`${field} is nested deeper than ${MAX_NESTING} levels`)
  return parsed
}

/** MongoDB refuses documents nested deeper than 100 levels (https://www.mongodb.com/docs/manual/reference/limits/). */
export const MAX_NESTING = 100

/** How deeply objects and arrays nest, counted without recursion (so a hostile value cannot overflow the stack). */
function depthOf(value: unknown): number {
  let max = 0
  const stack: Array<[unknown, number]> = [[value, 0]]
  while (stack.length) {
    const [v, depth] = stack.pop()!
    if (typeof v !== 'object' || v === null) continue
    if (depth + 1 > max) max = depth + 1
    if (max > MAX_NESTING) return max
    for (const child of Object.values(v)) stack.push([child, depth + 1])
  }
  return max
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

/**
 * A query's values as the query engine needs them: the BSON regular expressions `/x/i`, `db.RegExp({regexp,
 * options})` and `new db.RegExp(...)` arrive as (EJSON `$regularExpression`) become JavaScript RegExps, which
 * mingo matches as MongoDB does. MongoDB's options i, m, s map directly; x (extended: whitespace and
 * `#` comments ignored) is applied to the pattern. Anything else is refused, never silently matched as a value.
 * https://developers.weixin.qq.com/miniprogram/dev/wxcloud/reference-sdk-api/database/Database.RegExp.html
 */
export function queryValues<T>(value: T): T {
  if (value instanceof BSONRegExp || (value as { _bsontype?: string })?._bsontype === 'BSONRegExp') {
    const { pattern, options } = value as unknown as BSONRegExp
    return toRegExp(pattern, options) as T
  }
  if (Array.isArray(value)) return value.map(queryValues) as T
  if (!isPlainObject(value)) return value
  const out: Record<string, unknown> = {}
  const extra: Array<Record<string, unknown>> = []
  for (const [k, v] of Object.entries(value)) {
    const converted = queryValues(v)
    const split = k.startsWith('$') ? undefined : regexMembership(k, converted)
    if (split) extra.push(split.condition)
    if (split?.rest === undefined && split) continue
    out[k] = split ? split.rest : converted
  }
  return (extra.length ? { $and: [out, ...extra] } : out) as T
}

/**
 * MongoDB lets `$in` / `$nin` lists hold regular expressions (`_.in([/^a/, 'b'])`); mingo compares them as
 * values. Such a field condition is rewritten as an equivalent `$or` / `$nor` of the members.
 */
function regexMembership(
  field: string,
  condition: unknown,
): { rest: Record<string, unknown> | undefined; condition: Record<string, unknown> } | undefined {
  if (!isPlainObject(condition)) return undefined
  for (const op of ['$in', '$nin'] as const) {
    const list = condition[op]
    if (!Array.isArray(list) || !list.some((m) => m instanceof RegExp)) continue
    const { [op]: _, ...others } = condition
    void _
    const members = list.map((m) => ({ [field]: m instanceof RegExp ? m : { $eq: m } }))
    const rest = Object.keys(others).length ? (regexMembership(field, others)?.rest ?? others) : undefined
    return { rest, condition: op === '$in' ? { $or: members } : { $nor: members } }
  }
  return undefined
}

function toRegExp(pattern: string, options: string): RegExp {
  let flags = ''
  let source = pattern
  for (const option of new Set(options)) {
    if (option === 'i' || option === 'm' || option === 's') flags += option
    else if (option === 'x') source = extended(source)
    else if (option !== 'u') throw invalidParam(`regular expression option ${option} is not supported (i, m, s, x)`)
  }
  try {
    return new RegExp(source, flags)
  } catch (e) {
    throw invalidParam(`invalid regular expression: ${(e as Error).message}`)
  }
}

/** PCRE's x flag: unescaped whitespace and #-comments outside character classes are dropped. */
function extended(pattern: string): string {
  let out = ''
  let inClass = false
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]
    if (c === '\\') {
      out += c + (pattern[i + 1] ?? '')
      i++
    } else if (inClass) {
      if (c === ']') inClass = false
      out += c
    } else if (c === '[') {
      inClass = true
      out += c
    } else if (c === '#') {
      while (i < pattern.length && pattern[i] !== '\n') i++
    } else if (!/\s/.test(c)) out += c
  }
  return out
}
