import booleanIntersects from '@turf/boolean-intersects'
import booleanPointInPolygon from '@turf/boolean-point-in-polygon'
import booleanWithin from '@turf/boolean-within'
import distance from '@turf/distance'
import type { Geometry, Point, Polygon, Position } from 'geojson'
import { CloudError, invalidParam } from '../core/errors'
import type { Doc } from './store'
import { isPlainObject } from './wire'

/**
 * Geo queries of the cloud database (db.Geo.* values are stored as GeoJSON, as @cloudbase/database sends them):
 * - `_.geoNear({ geometry: Point, maxDistance, minDistance })` → `{ $nearSphere: { $geometry, $maxDistance,
 *   $minDistance } }`: distances in metres on a sphere, results sorted nearest first
 *   https://developers.weixin.qq.com/miniprogram/dev/wxcloud/reference-sdk-api/database/command/Command.geoNear.html
 * - `_.geoWithin({ geometry: Polygon | MultiPolygon })` or `{ centerSphere: [Point, radians] }`
 *   https://developers.weixin.qq.com/miniprogram/dev/wxcloud/reference-sdk-api/database/command/Command.geoWithin.html
 * - `_.geoIntersects({ geometry })`
 *   https://developers.weixin.qq.com/miniprogram/dev/wxcloud/reference-sdk-api/database/command/Command.geoIntersects.html
 * - the aggregate `geoNear` stage (`near`, `spherical`, `distanceField`, `maxDistance`, `minDistance`, `query`,
 *   `key`, `distanceMultiplier`, `includeLocs`)
 *   https://developers.weixin.qq.com/miniprogram/dev/wxcloud/reference-sdk-api/database/aggregate/Aggregate.geoNear.html
 * WeChat: "如需对类型为地理位置的字段进行搜索，一定要建立地理位置索引" (Geo page). MongoDB, which the service runs,
 * refuses a near query without a 2dsphere index ("unable to find index for $geoNear query"); the emulator does
 * the same for geoNear and the geoNear stage, and answers geoWithin / geoIntersects without one, as MongoDB does.
 * Geometry tests are @turf's; distances use MongoDB's earth radius (6378.1 km), so figures match the service's.
 */
export const EARTH_RADIUS_M = 6_378_100

const GEO_OPS = new Set(['$nearSphere', '$near', '$geoWithin', '$geoIntersects'])
const NEAR_OPS = new Set(['$nearSphere', '$near'])

export interface NearSpec {
  field: string
  point: Position
  min?: number
  max?: number
}

interface Condition {
  field: string
  test: (value: unknown) => boolean
}

export interface GeoFilter {
  /** the filter without its geo conditions (what mingo evaluates) */
  rest: Record<string, unknown>
  conditions: Condition[]
  near?: NearSpec
}

/** Cheap check for the common case: no geo operator at the top level or inside a top-level $and. */
export function hasGeo(filter: Record<string, unknown>): boolean {
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(value) && value.some((p) => isPlainObject(p) && hasGeo(p))) return true
    if (isPlainObject(value) && Object.keys(value).some((k) => GEO_OPS.has(k))) return true
  }
  return false
}

/** Splits the geo conditions off a filter; `geoIndexed(field)` says whether a 2dsphere index covers the field. */
export function splitGeo(filter: Record<string, unknown>, geoIndexed: (field: string) => boolean): GeoFilter {
  const out: GeoFilter = { rest: {}, conditions: [] }
  const visit = (f: Record<string, unknown>, into: Record<string, unknown>) => {
    for (const [key, value] of Object.entries(f)) {
      if (key === '$and' && Array.isArray(value)) {
        into.$and = value.map((part) => {
          if (!isPlainObject(part)) return part
          const sub: Record<string, unknown> = {}
          visit(part, sub)
          return sub
        })
        continue
      }
      if (!isPlainObject(value) || !Object.keys(value).some((k) => GEO_OPS.has(k))) {
        into[key] = value
        continue
      }
      const ops = Object.keys(value)
      if (ops.length !== 1) throw invalidParam(`${key}: a geo operator cannot be combined with other operators`)
      const [op] = ops
      const spec = value[op]
      if (NEAR_OPS.has(op)) {
        if (out.near) throw invalidParam('a query can have one geoNear only')
        if (!geoIndexed(key)) throw noGeoIndex()
        out.near = nearSpec(key, spec)
      } else if (op === '$geoWithin') out.conditions.push({ field: key, test: withinTest(spec) })
      else out.conditions.push({ field: key, test: intersectsTest(spec) })
    }
  }
  visit(filter, out.rest)
  return out
}

/** MongoDB's refusal of a near query on a field without a 2dsphere index, as the service reports it. */
export const noGeoIndex = () =>
  new CloudError(
    'DATABASE_REQUEST_FAILED',
    'error processing query: planner returned error :: caused by :: unable to find index for $geoNear query',
  )

/** The documents that meet every geo condition; with a near spec, within its band and nearest first. */
export function applyGeo(docs: Doc[], geo: GeoFilter): Array<{ doc: Doc; distance?: number }> {
  const matched = docs.filter((doc) => geo.conditions.every((c) => c.test(valueAt(doc, c.field))))
  if (!geo.near) return matched.map((doc) => ({ doc }))
  const near = geo.near
  const measured = matched.flatMap((doc) => {
    const d = distanceTo(near.point, valueAt(doc, near.field))
    if (d === undefined || (near.min !== undefined && d < near.min) || (near.max !== undefined && d > near.max))
      return []
    return [{ doc, distance: d }]
  })
  return measured.sort((a, b) => a.distance - b.distance)
}

/** The aggregate geoNear stage's options, checked. */
export interface GeoNearStage {
  near: Position
  distanceField: string
  key?: string
  min?: number
  max?: number
  query?: Record<string, unknown>
  distanceMultiplier: number
  includeLocs?: string
}

export function parseGeoNearStage(value: unknown): GeoNearStage {
  if (!isPlainObject(value)) throw invalidParam('geoNear: options must be an object')
  const { near, spherical, distanceField, key, maxDistance, minDistance, query, distanceMultiplier, includeLocs } =
    value
  // "spherical: 必填，值为 true"
  if (spherical !== true) throw invalidParam('geoNear: spherical must be true')
  if (typeof distanceField !== 'string' || !safePath(distanceField))
    throw invalidParam('geoNear: distanceField is required (a field path)')
  if (key !== undefined && typeof key !== 'string') throw invalidParam('geoNear: key must be a string')
  if (query !== undefined && !isPlainObject(query)) throw invalidParam('geoNear: query must be an object')
  if (includeLocs !== undefined && (typeof includeLocs !== 'string' || !safePath(includeLocs)))
    throw invalidParam('geoNear: includeLocs must be a string')
  if (distanceMultiplier !== undefined && !finite(distanceMultiplier))
    throw invalidParam('geoNear: distanceMultiplier must be a number')
  return {
    near: pointOf(near, 'geoNear: near'),
    distanceField,
    key,
    min: metres(minDistance, 'geoNear: minDistance'),
    max: metres(maxDistance, 'geoNear: maxDistance'),
    query: query as Record<string, unknown> | undefined,
    distanceMultiplier: (distanceMultiplier as number | undefined) ?? 1,
    includeLocs,
  }
}

/**
 * The stage over already-filtered documents: the one geo-indexed field (or `key`), distances, nearest first.
 * MongoDB: with several 2dsphere indexes `key` is required; with none the stage fails.
 */
export function runGeoNearStage(docs: Doc[], stage: GeoNearStage, geoFields: string[]): Doc[] {
  const field = stage.key ?? (geoFields.length === 1 ? geoFields[0] : undefined)
  if (!field || !geoFields.includes(field)) {
    if (geoFields.length > 1 && !stage.key)
      throw new CloudError('DATABASE_REQUEST_FAILED', 'geoNear: more than one 2dsphere index, use key to choose one')
    throw noGeoIndex()
  }
  const near: NearSpec = { field, point: stage.near, min: stage.min, max: stage.max }
  return applyGeo(docs, { rest: {}, conditions: [], near }).map(({ doc, distance: d }) => {
    const out = structuredClone(doc)
    setAt(out, stage.distanceField, (d as number) * stage.distanceMultiplier)
    if (stage.includeLocs) setAt(out, stage.includeLocs, structuredClone(valueAt(doc, field)))
    return out
  })
}

function nearSpec(field: string, spec: unknown): NearSpec {
  if (!isPlainObject(spec)) throw invalidParam(`${field}: geoNear needs { geometry }`)
  return {
    field,
    point: pointOf(spec.$geometry, `${field}: geoNear geometry`),
    min: metres(spec.$minDistance, `${field}: minDistance`),
    max: metres(spec.$maxDistance, `${field}: maxDistance`),
  }
}

function withinTest(spec: unknown): (value: unknown) => boolean {
  if (!isPlainObject(spec)) throw invalidParam('geoWithin needs { geometry } or { centerSphere }')
  if (spec.$centerSphere !== undefined) {
    const cs = spec.$centerSphere
    if (!Array.isArray(cs) || cs.length !== 2 || !finite(cs[1]) || (cs[1] as number) < 0)
      throw invalidParam('geoWithin centerSphere must be [[longitude, latitude], radius in radians]')
    const center = position(cs[0], 'geoWithin centerSphere')
    const radius = cs[1] as number
    return (value) => {
      const g = storedGeometry(value)
      // a cap smaller than a hemisphere is convex: every vertex inside means the whole geometry is
      return !!g && vertices(g).every((p) => distance(center, p, { units: 'radians' }) <= radius)
    }
  }
  const shape = geometry(spec.$geometry, 'geoWithin geometry')
  if (shape.type !== 'Polygon' && shape.type !== 'MultiPolygon')
    throw invalidParam('geoWithin geometry must be a Polygon or MultiPolygon')
  const polygons: Polygon[] =
    shape.type === 'Polygon' ? [shape] : shape.coordinates.map((coordinates) => ({ type: 'Polygon', coordinates }))
  return (value) => {
    const g = storedGeometry(value)
    return !!g && parts(g).every((part) => polygons.some((polygon) => partWithin(part, polygon)))
  }
}

function intersectsTest(spec: unknown): (value: unknown) => boolean {
  if (!isPlainObject(spec)) throw invalidParam('geoIntersects needs { geometry }')
  const shape = geometry(spec.$geometry, 'geoIntersects geometry')
  return (value) => {
    const g = storedGeometry(value)
    return !!g && booleanIntersects(g, shape)
  }
}

function partWithin(part: Geometry, polygon: Polygon): boolean {
  if (part.type === 'Point') return booleanPointInPolygon(part.coordinates, polygon)
  return booleanWithin(part, polygon)
}

/** Distance in metres from a point to a stored geometry: to a point exactly; to a line or area, its nearest vertex (0 inside an area). */
function distanceTo(point: Position, value: unknown): number | undefined {
  const g = storedGeometry(value)
  if (!g) return undefined
  const inside = parts(g).some(
    (part) => part.type === 'Polygon' && booleanPointInPolygon(point, part as Polygon, { ignoreBoundary: false }),
  )
  if (inside) return 0
  return Math.min(...vertices(g).map((p) => distance(point, p, { units: 'radians' }) * EARTH_RADIUS_M))
}

/** A stored GeoJSON geometry, or undefined for anything else (such documents never match, as in MongoDB). */
function storedGeometry(value: unknown): Geometry | undefined {
  try {
    return geometry(value, 'stored')
  } catch {
    return undefined
  }
}

const GEOMETRY_DEPTH: Record<string, number> = {
  Point: 0,
  MultiPoint: 1,
  LineString: 1,
  MultiLineString: 2,
  Polygon: 2,
  MultiPolygon: 3,
}

/** A GeoJSON geometry of db.Geo's six types, with valid longitudes/latitudes; INVALID_PARAM otherwise. */
function geometry(value: unknown, what: string): Geometry {
  if (!isPlainObject(value) || typeof value.type !== 'string' || !(value.type in GEOMETRY_DEPTH))
    throw invalidParam(`${what} must be a GeoJSON Point, LineString, Polygon or one of their Multi types`)
  const check = (coords: unknown, depth: number): void => {
    if (depth === 0) {
      position(coords, what)
      return
    }
    if (!Array.isArray(coords) || coords.length === 0) throw invalidParam(`${what}: coordinates are malformed`)
    coords.forEach((c) => check(c, depth - 1))
  }
  check(value.coordinates, GEOMETRY_DEPTH[value.type])
  return { type: value.type, coordinates: value.coordinates } as Geometry
}

function pointOf(value: unknown, what: string): Position {
  const g = geometry(value, what)
  if (g.type !== 'Point') throw invalidParam(`${what} must be a Point`)
  return (g as Point).coordinates
}

function position(value: unknown, what: string): Position {
  if (!Array.isArray(value) || value.length < 2 || !finite(value[0]) || !finite(value[1]))
    throw invalidParam(`${what}: a position is [longitude, latitude]`)
  const [lng, lat] = value as number[]
  if (lng < -180 || lng > 180 || lat < -90 || lat > 90)
    throw invalidParam(`${what}: longitude must be -180..180 and latitude -90..90`)
  return [lng, lat]
}

function metres(value: unknown, what: string): number | undefined {
  if (value === undefined || value === null) return undefined
  if (!finite(value) || (value as number) < 0) throw invalidParam(`${what} must be a non-negative number of metres`)
  return value as number
}

/** a dotted field path that cannot reach an object's prototype */
const safePath = (path: string): boolean =>
  path.length > 0 &&
  path.length <= 256 &&
  path.split('.').every((k) => k !== '' && !FORBIDDEN_KEYS.has(k) && !k.startsWith('$'))
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype'])

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)

/** The simple geometries a Multi* is made of. */
function parts(g: Geometry): Geometry[] {
  switch (g.type) {
    case 'MultiPoint':
      return g.coordinates.map((coordinates) => ({ type: 'Point', coordinates }))
    case 'MultiLineString':
      return g.coordinates.map((coordinates) => ({ type: 'LineString', coordinates }))
    case 'MultiPolygon':
      return g.coordinates.map((coordinates) => ({ type: 'Polygon', coordinates }))
    default:
      return [g]
  }
}

function vertices(g: Geometry): Position[] {
  const out: Position[] = []
  const walk = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') out.push(c as Position)
    else if (Array.isArray(c)) c.forEach(walk)
  }
  walk((g as { coordinates: unknown }).coordinates)
  return out
}

function valueAt(doc: Record<string, unknown>, path: string): unknown {
  let value: unknown = doc
  for (const key of path.split('.')) {
    if (!isPlainObject(value)) return undefined
    value = value[key]
  }
  return value
}

function setAt(doc: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.')
  let target = doc
  for (const key of keys.slice(0, -1)) {
    if (!isPlainObject(target[key])) target[key] = {}
    target = target[key] as Record<string, unknown>
  }
  target[keys[keys.length - 1]] = value
}
