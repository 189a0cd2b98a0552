import * as v from 'valibot'
import { HttpError } from './http-error'

/**
 * The contract's shared rules (packages/contract/schemas.ts: nickname, consent version), applied after
 * Fastify's JSON-schema check of the body's shape; the first problem becomes a 400 INVALID_INPUT naming the field.
 */
export function check<S extends v.GenericSchema>(schema: S, value: unknown): v.InferOutput<S> {
  const result = v.safeParse(schema, value)
  if (result.success) return result.output
  const issue = result.issues[0]
  const path = issue.path?.map((p) => String(p.key)).join('.') || 'body'
  throw new HttpError(400, 'INVALID_INPUT', `${path}: ${issue.message}`)
}
