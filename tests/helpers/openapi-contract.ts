import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'

/** server/openapi.yaml, parsed, and a validator for the JSON Schema subset it uses. */
export const SPEC_PATH = join(__dirname, '..', '..', 'server', 'openapi.yaml')
export const spec = parse(readFileSync(SPEC_PATH, 'utf8'))

type Schema = Record<string, any>

export function resolve(schema: Schema): Schema {
  if (!schema.$ref) return schema
  const path = (schema.$ref as string).replace(/^#\//, '').split('/')
  return resolve(path.reduce((node: any, key) => node[key], spec))
}

/** Returns the problems found (empty when the value conforms). */
export function validate(value: unknown, raw: Schema, at = '$'): string[] {
  const schema = resolve(raw)
  if (schema.oneOf) {
    const passing = (schema.oneOf as Schema[]).filter((s) => validate(value, s, at).length === 0)
    return passing.length === 1 ? [] : [`${at}: matches ${passing.length} of oneOf`]
  }
  const problems: string[] = []
  if ('const' in schema && value !== schema.const) problems.push(`${at}: expected ${JSON.stringify(schema.const)}`)
  if (schema.enum && !schema.enum.includes(value)) problems.push(`${at}: ${JSON.stringify(value)} not in enum`)
  if (schema.type) {
    const types: string[] = Array.isArray(schema.type) ? schema.type : [schema.type]
    const actual =
      value === null ? 'null' : Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value
    const ok = types.some((t) => t === actual || (t === 'number' && actual === 'integer'))
    if (!ok) return [`${at}: ${actual} is not ${types.join('|')}`]
  }
  if (typeof value === 'string') {
    if (schema.pattern && !new RegExp(schema.pattern).test(value))
      problems.push(`${at}: does not match ${schema.pattern}`)
    if (schema.minLength !== undefined && value.length < schema.minLength)
      problems.push(`${at}: shorter than ${schema.minLength}`)
    if (schema.format === 'date-time' && Number.isNaN(Date.parse(value))) problems.push(`${at}: not a date-time`)
  }
  if (typeof value === 'number' && schema.minimum !== undefined && value < schema.minimum)
    problems.push(`${at}: below ${schema.minimum}`)
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const key of schema.required ?? []) if (!(key in (value as object))) problems.push(`${at}.${key}: missing`)
    for (const [key, sub] of Object.entries(schema.properties ?? {})) {
      if (key in (value as object))
        problems.push(...validate((value as Record<string, unknown>)[key], sub as Schema, `${at}.${key}`))
    }
  }
  return problems
}

/** The JSON schema documented for this operation and status; throws when the spec does not document it. */
export function documented(
  method: string,
  path: string,
  status: number,
  mediaType: 'application/json' | 'text/plain' = 'application/json',
): Schema {
  const operation = spec.paths[path]?.[method.toLowerCase()]
  if (!operation) throw new Error(`${method} ${path} is not documented`)
  const response = operation.responses[String(status)]
  if (!response) throw new Error(`${method} ${path} does not document status ${status}`)
  const content = resolve(response).content?.[mediaType]
  if (!content) throw new Error(`${method} ${path} ${status} documents no ${mediaType} body`)
  return content.schema
}

/** Every documented operation, "METHOD /path". */
export const documentedOperations = (): string[] =>
  Object.entries(spec.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
    Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
  )
