import { Query } from 'mingo'
import { invalidParam } from '../errors'
import type { Doc, StoredCollection } from './store'
import { isPlainObject } from './wire'

/**
 * Query evaluation with mingo (a well-kept implementation of MongoDB's query language, which is what the TCB
 * database speaks on the wire), after NeDB narrows the candidates with its indexes.
 */
export type Filter = Record<string, unknown>

export interface Selection {
  order?: Record<string, 1 | -1>
  offset?: number
  limit?: number
  projection?: Record<string, unknown>
}

export function compile(filter: Filter): Query {
  try {
    return new Query(filter)
  } catch (e) {
    throw invalidParam(`invalid query: ${(e as Error).message}`)
  }
}

/** The matching documents, ordered, skipped, limited and projected. */
export async function select(collection: StoredCollection, filter: Filter, selection: Selection = {}): Promise<Doc[]> {
  const query = compile(filter)
  const candidates = await collection.find(prefilter(filter))
  try {
    // MongoDB's order: filter, sort, skip, limit, then project (so a sort key need not be projected)
    let cursor = query.find<Doc>(candidates)
    if (selection.order && Object.keys(selection.order).length) cursor = cursor.sort(selection.order)
    if (selection.offset) cursor = cursor.skip(selection.offset)
    if (selection.limit !== undefined) cursor = cursor.limit(selection.limit)
    const docs = cursor.all()
    return selection.projection ? new Query({}).find<Doc>(docs, selection.projection).all() : docs
  } catch (e) {
    throw invalidParam(`invalid query: ${(e as Error).message}`)
  }
}

/**
 * Top-level equality on scalar values, which NeDB can answer from an index (`_id`, `_openid`). Everything else
 * is left to mingo, so the prefilter can only narrow, never change, the result.
 */
export function prefilter(filter: Filter): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(filter)) {
    if (key.startsWith('$')) continue
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out[key] = value
  }
  return out
}

/**
 * The fields a query pins to one value for every document it can match (top-level equality, also inside
 * `$and`): what the security rules' subset check needs.
 */
export function pinnedFields(filter: Filter): Map<string, unknown> {
  const pinned = new Map<string, unknown>()
  const visit = (f: Filter) => {
    for (const [key, value] of Object.entries(f)) {
      if (key === '$and' && Array.isArray(value)) value.forEach((part) => isPlainObject(part) && visit(part))
      if (key.startsWith('$')) continue
      if (!isPlainObject(value)) pinned.set(key, value)
      else if (Object.keys(value).length === 1 && '$eq' in value) pinned.set(key, value.$eq)
    }
  }
  visit(filter)
  return pinned
}

/** The query's and the permission's conditions together. */
export function and(filter: Filter, extra: Filter | undefined): Filter {
  if (!extra) return filter
  return Object.keys(filter).length ? { $and: [filter, extra] } : extra
}

/** `{ field: 1 | -1 }` from the request's `order` (EJSON object) with each direction checked. */
export function parseOrder(value: unknown): Record<string, 1 | -1> | undefined {
  if (value === undefined) return undefined
  // the SDK sends an object; some versions send [{ field, direction }]
  const entries: Array<[string, unknown]> = Array.isArray(value)
    ? value.map((o) => [String((o as { field?: unknown })?.field), (o as { direction?: unknown })?.direction])
    : isPlainObject(value)
      ? Object.entries(value)
      : (() => {
          throw invalidParam('order must be an object of field: 1 | -1')
        })()
  const order: Record<string, 1 | -1> = {}
  for (const [field, dir] of entries) {
    const d = dir === 'asc' ? 1 : dir === 'desc' ? -1 : dir
    if (d !== 1 && d !== -1) throw invalidParam(`order of ${field} must be asc or desc`)
    order[field] = d
  }
  return order
}
