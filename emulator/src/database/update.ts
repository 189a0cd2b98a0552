import { update as applyOperator } from 'mingo'
import type { Caller } from '../core/caller'
import { CloudError, invalidParam } from '../core/errors'
import type { Doc } from './store'
import { denied } from './permissions'
import { cloneValue, isPlainObject } from './wire'

/**
 * Update operators as `db.command` sends them (set, remove→$unset, inc, mul, min, max, rename, push, pop,
 * shift/unshift→$pop/$push, pull, pullAll, addToSet), applied with mingo's MongoDB-compatible updater.
 * Source: https://developers.weixin.qq.com/miniprogram/dev/wxcloud/reference-sdk-api/database/Command.html
 */
const OPERATORS = new Set([
  '$set',
  '$unset',
  '$inc',
  '$mul',
  '$min',
  '$max',
  '$rename',
  '$push',
  '$pop',
  '$pull',
  '$pullAll',
  '$addToSet',
])

export type UpdateExpression = Record<string, Record<string, unknown>>

/** Checks an update expression; plain fields mean $set (older SDKs send them so). */
export function parseUpdate(data: Record<string, unknown>, caller: Caller): UpdateExpression {
  const expr: UpdateExpression = {}
  for (const [key, value] of Object.entries(data)) {
    if (!key.startsWith('$')) {
      ;(expr.$set ??= {})[key] = value
      continue
    }
    if (!OPERATORS.has(key)) throw new CloudError('DATABASE_INVALID_OPERRATOR', `unsupported update operator ${key}`)
    if (!isPlainObject(value)) throw invalidParam(`${key} must be an object of field paths`)
    expr[key] = { ...(expr[key] ?? {}), ...value }
  }
  for (const fields of Object.values(expr)) {
    for (const path of Object.keys(fields)) checkWritablePath(path, caller)
    if (fields === expr.$rename) for (const to of Object.values(fields)) checkWritablePath(String(to), caller)
  }
  if (!Object.keys(expr).length) throw invalidParam('the update is empty')
  return expr
}

/** A copy of the document with the update applied. */
export function applyUpdate(doc: Doc, expr: UpdateExpression): Doc {
  const next = cloneValue(doc)
  for (const [op, fields] of Object.entries(expr)) {
    try {
      applyOperator(next, { [op]: fields } as never)
    } catch (e) {
      throw new CloudError('DATABASE_REQUEST_FAILED', `cannot apply ${op}: ${(e as Error).message}`)
    }
  }
  return next
}

/** `set()`: the new content replaces the document's (its _id stays; on the client, its _openid too). */
export function replacement(doc: Doc, data: Record<string, unknown>, caller: Caller): Doc {
  for (const key of Object.keys(data)) checkWritablePath(key, caller)
  return {
    ...data,
    _id: doc._id,
    ...(caller.kind === 'client' && doc._openid !== undefined ? { _openid: doc._openid } : {}),
  }
}

function checkWritablePath(path: string, caller: Caller): void {
  const root = path.split('.')[0]
  if (root === '_id') throw invalidParam('不能更新_id的值 (_id cannot be updated)')
  // _openid is the creator's identity, set by WeChat; the mini program can never change it
  if (root === '_openid' && caller.kind === 'client') throw denied('_openid cannot be written from the mini program')
}
