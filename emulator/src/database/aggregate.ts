import 'mingo/init/system'
import { Aggregator } from 'mingo'
import { CloudError, invalidParam } from '../core/errors'
import { isPlainObject, parseEjson, queryValues } from './wire'
import { parseGeoNearStage } from './geo'

/**
 * collection.aggregate(): the pipeline @cloudbase/database sends (`stages: [{ stageKey: '$group', stageValue:
 * '<EJSON>' }]`), run by mingo's aggregation engine, which implements MongoDB's stages and the `$.` aggregate
 * operators (db.command.aggregate: sum, avg, push, lookup, ...).
 * https://developers.weixin.qq.com/miniprogram/dev/wxcloud/reference-sdk-api/database/aggregate/Aggregate.html
 * The stages WeChat documents; geoNear (geo.ts) must be the first stage, as in MongoDB, and runs before the rest.
 */
const STAGES = new Set([
  '$addFields',
  '$bucket',
  '$bucketAuto',
  '$count',
  '$group',
  '$limit',
  '$lookup',
  '$match',
  '$project',
  '$replaceRoot',
  '$sample',
  '$skip',
  '$sort',
  '$sortByCount',
  '$unwind',
])

export type Stage = Record<string, unknown>

export function parseStages(value: unknown): Stage[] {
  if (!Array.isArray(value) || value.length === 0) throw invalidParam('stages must be a non-empty array')
  if (value.length > 100) throw invalidParam('at most 100 aggregation stages')
  return value.map((raw, i) => {
    const { stageKey, stageValue } = (raw ?? {}) as Record<string, unknown>
    if (typeof stageKey !== 'string') throw invalidParam(`stages[${i}].stageKey must be a string`)
    if (stageKey === '$geoNear') {
      if (i !== 0) throw new CloudError('DATABASE_INVALID_OPERRATOR', 'geoNear is only valid as the first stage')
      return { $geoNear: parseGeoNearStage(queryValues(parseEjson(stageValue, `stages[${i}].stageValue`))) }
    }
    if (!STAGES.has(stageKey))
      throw new CloudError('DATABASE_INVALID_OPERRATOR', `unknown aggregation stage ${stageKey}`)
    return { [stageKey]: queryValues(parseEjson(stageValue, `stages[${i}].stageValue`)) }
  })
}

/** The collections `$lookup` stages read (their `from`), so the caller can hand over their documents. */
export function lookupSources(stages: Stage[]): string[] {
  return stages.flatMap((stage) => {
    const lookup = stage.$lookup
    return isPlainObject(lookup) && typeof lookup.from === 'string' ? [lookup.from] : []
  })
}

export function runPipeline(
  docs: Array<Record<string, unknown>>,
  stages: Stage[],
  foreign: Map<string, Array<Record<string, unknown>>>,
): Array<Record<string, unknown>> {
  if (stages.length === 0) return docs
  const pipeline = stages.map((stage) => {
    const lookup = stage.$lookup
    if (!isPlainObject(lookup) || typeof lookup.from !== 'string') return stage
    return { $lookup: { ...lookup, from: foreign.get(lookup.from) ?? [] } }
  })
  try {
    return new Aggregator(pipeline as never).run(docs) as Array<Record<string, unknown>>
  } catch (e) {
    throw new CloudError('DATABASE_INVALID_OPERRATOR', `aggregate: ${(e as Error).message}`)
  }
}
