import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { invalidParam } from '../core/errors'
import { parseRules, type SecurityRules } from './rules'

/**
 * The console settings of each collection (database/collections.json): WeChat's permission mode, custom
 * security rules, indexes. Collections not listed do not exist until a cloud function creates them, as in
 * WeChat, where new collections start in the console's default mode (PRIVATE).
 */
export type PermissionMode = 'PRIVATE' | 'READONLY' | 'ADMINWRITE' | 'ADMINONLY' | 'CUSTOM'

export interface IndexSpec {
  name: string
  keys: string[]
  unique: boolean
  /** a geo index (地理位置索引, MongoDB's 2dsphere) on the one field: what geoNear needs */
  type?: '2dsphere'
}

export interface CollectionConfig {
  permission: PermissionMode
  rules?: SecurityRules
  indexes: IndexSpec[]
}

export type DatabaseConfig = Record<string, CollectionConfig>

const MODES = new Set<PermissionMode>(['PRIVATE', 'READONLY', 'ADMINWRITE', 'ADMINONLY', 'CUSTOM'])
/** WeChat: collection names are 1-32 characters, letters, digits, `_` and `-` (and must not start with a digit here). */
export const COLLECTION_NAME = /^[A-Za-z_][\w-]{0,31}$/

/** A collection name from a request, checked: INVALID_PARAM otherwise. */
export function collectionName(value: unknown): string {
  if (typeof value !== 'string' || !COLLECTION_NAME.test(value))
    throw invalidParam('collectionName must be 1-32 letters, digits, _ or -')
  return value
}

export function loadDatabaseConfig(dir: string): DatabaseConfig {
  const file = join(dir, 'collections.json')
  if (!existsSync(file)) return {}
  const raw = readJson(file)
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new Error(`${file}: must be an object of collections`)
  const config: DatabaseConfig = {}
  for (const [name, entry] of Object.entries(raw)) {
    if (name.startsWith('$')) continue
    const where = `${file}: collection ${name}`
    if (!COLLECTION_NAME.test(name)) throw new Error(`${where}: invalid collection name`)
    if (typeof entry !== 'object' || entry === null) throw new Error(`${where}: must be an object`)
    const { permission = 'PRIVATE', rules, indexes = [] } = entry as Record<string, unknown>
    if (!MODES.has(permission as PermissionMode))
      throw new Error(`${where}: permission must be one of ${[...MODES].join(', ')}`)
    if ((permission === 'CUSTOM') !== (typeof rules === 'string'))
      throw new Error(`${where}: "rules" (a file) goes with permission CUSTOM, and only with it`)
    config[name] = {
      permission: permission as PermissionMode,
      rules: typeof rules === 'string' ? parseRules(readJson(join(dir, rules)), join(dir, rules)) : undefined,
      indexes: parseIndexes(indexes, where),
    }
  }
  return config
}

function parseIndexes(value: unknown, where: string): IndexSpec[] {
  if (!Array.isArray(value)) throw new Error(`${where}: indexes must be an array`)
  return value.map((index, i) => {
    const { name, keys, unique = false, type } = (index ?? {}) as Record<string, unknown>
    if (typeof name !== 'string' || !name) throw new Error(`${where}: index ${i} needs a name`)
    if (!Array.isArray(keys) || keys.length !== 1 || typeof keys[0] !== 'string') {
      // NeDB, the emulator's store, indexes single fields (compound unique indexes are a documented difference)
      throw new Error(`${where}: index ${name}: keys must list exactly one field`)
    }
    if (typeof unique !== 'boolean') throw new Error(`${where}: index ${name}: unique must be true or false`)
    if (type !== undefined && type !== '2dsphere') throw new Error(`${where}: index ${name}: type must be 2dsphere`)
    if (type === '2dsphere' && unique) throw new Error(`${where}: index ${name}: a geo index cannot be unique`)
    return { name, keys: keys as string[], unique, ...(type === '2dsphere' ? { type } : {}) }
  })
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'))
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`)
  }
}
