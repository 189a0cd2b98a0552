import { Query } from 'mingo'
import { initOptions, type Options } from 'mingo/core'
import * as booleanOperators from 'mingo/operators/expression/boolean'
import * as comparisonOperators from 'mingo/operators/expression/comparison'
import * as projectionOperators from 'mingo/operators/projection'
import * as queryOperators from 'mingo/operators/query'
import { invalidParam } from '../core/errors'
import type { Doc, StoredCollection } from './store'
import { isPlainObject } from './wire'
import { applyGeo, hasGeo, splitGeo } from './geo'

/**
 * Query evaluation with mingo (a well-kept implementation of MongoDB's query language, which is what the TCB
 * database speaks on the wire), after NeDB narrows the candidates with its indexes.
 */
export type Filter = Record<string, unknown>

export interface Selection {
  order?: Record<string, 1 | -1>
  offset?: number
  limit?: number
}

/**
 * mingo's `new Query(filter)` builds a fresh operator context per query (a copy of every query, projection and
 * expression operator table): two thirds of a query's cost under load. mingo 6.7's Query is its QueryImpl
 * with exactly that context (mingo/cjs/query/index.js), so the same context is built here once, with the same
 * defaults, and each query compiles against it. Were mingo's layout to change (no QueryImpl under Query), each
 * query falls back to `new Query`.
 */
type QueryCtor = new (condition: Filter, options?: Options) => Query
const QueryImpl = Object.getPrototypeOf(Query) as QueryCtor | null
const SHARED_OPTIONS: Options = (() => {
  const options = initOptions({})
  options.context
    .addExpressionOps(booleanOperators)
    .addExpressionOps(comparisonOperators)
    .addProjectionOps(projectionOperators)
    .addQueryOps(queryOperators)
  return options
})()
const newQuery = (filter: Filter): Query =>
  QueryImpl && QueryImpl.name === 'QueryImpl' ? new QueryImpl(filter, SHARED_OPTIONS) : new Query(filter)

/** The matching documents, ordered, skipped and limited (MongoDB's order: filter, sort, skip, limit). */
export async function select(collection: StoredCollection, filter: Filter, selection: Selection = {}): Promise<Doc[]> {
  if (hasGeo(filter)) return selectGeo(collection, filter, selection)
  const query = mingo(() => newQuery(filter))
  const candidates = await collection.find(prefilter(filter))
  return mingo(() => {
    let cursor = query.find<Doc>(candidates)
    if (selection.order && Object.keys(selection.order).length) cursor = cursor.sort(selection.order)
    if (selection.offset) cursor = cursor.skip(selection.offset)
    if (selection.limit !== undefined) cursor = cursor.limit(selection.limit)
    return cursor.all()
  })
}

/**
 * A query with geo conditions (geo.ts): mingo evaluates the rest, the geo conditions filter what it matched;
 * geoNear orders nearest first unless the query names its own order (MongoDB's rule), then skip and limit.
 */
async function selectGeo(collection: StoredCollection, filter: Filter, selection: Selection): Promise<Doc[]> {
  const geoFields = new Set(collection.geoFields())
  const geo = splitGeo(filter, (field) => geoFields.has(field))
  const query = mingo(() => newQuery(geo.rest))
  const candidates = await collection.find(prefilter(geo.rest))
  let docs = applyGeo(
    mingo(() => query.find<Doc>(candidates).all()),
    geo,
  ).map((m) => m.doc)
  if (selection.order && Object.keys(selection.order).length)
    docs = mingo(() => newQuery({}).find<Doc>(docs).sort(selection.order!).all())
  const start = selection.offset ?? 0
  return docs.slice(start, selection.limit === undefined ? undefined : start + selection.limit)
}

/** `field()`: the projection, applied last so that a sort key or a rule's field need not be projected. */
export function project(docs: Doc[], projection: Record<string, unknown> | undefined): Doc[] {
  return projection ? mingo(() => newQuery({}).find<Doc>(docs, projection).all()) : docs
}

/** mingo's errors (an unknown operator, a bad projection) are the request's fault: INVALID_PARAM. */
function mingo<T>(run: () => T): T {
  try {
    return run()
  } catch (e) {
    const message = (e as Error).message
    // geo operators are taken off the top level and top-level and() (geo.ts); anywhere else, refused by name
    if (/\$(near|nearSphere|geoWithin|geoIntersects)\b/.test(message))
      throw invalidParam(
        `geo operators (geoNear, geoWithin, geoIntersects) are supported at the top level of a query or inside and(), not here: ${message}`,
      )
    throw invalidParam(`invalid query: ${message}`)
  }
}

/**
 * Top-level equality on scalar values, and `_.in([...])` of scalar values, which NeDB can answer from an index
 * (`_id`, `_openid`). Everything else is left to mingo, so the prefilter can only narrow, never change, the result.
 */
function prefilter(filter: Filter): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(filter)) {
    if (key.startsWith('$')) continue
    if (isScalar(value)) out[key] = value
    else if (isPlainObject(value) && Object.keys(value).length === 1 && Array.isArray(value.$in)) {
      if (value.$in.every(isScalar)) out[key] = { $in: value.$in }
    }
  }
  return out
}

const isScalar = (value: unknown): value is string | number | boolean =>
  typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'

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
export function and(filter: Filter, extra: Filter): Filter {
  return Object.keys(filter).length ? { $and: [filter, extra] } : extra
}

/** `{ field: 1 | -1 }` from the request's `order` (EJSON object) with each direction checked. */
export function parseOrder(value: unknown): Record<string, 1 | -1> | undefined {
  if (value === undefined) return undefined
  // the SDK sends an object; some versions send [{ field, direction }]
  let entries: Array<[string, unknown]>
  if (Array.isArray(value))
    entries = value.map((o) => [String((o as { field?: unknown })?.field), (o as { direction?: unknown })?.direction])
  else if (isPlainObject(value)) entries = Object.entries(value)
  else throw invalidParam('order must be an object of field: 1 | -1')
  const order: Record<string, 1 | -1> = {}
  for (const [field, dir] of entries) {
    const d = dir === 'asc' ? 1 : dir === 'desc' ? -1 : dir
    if (d !== 1 && d !== -1) throw invalidParam(`order of ${field} must be asc or desc`)
    order[field] = d
  }
  return order
}
