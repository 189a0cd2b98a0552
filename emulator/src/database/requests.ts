import { randomBytes } from 'node:crypto'
import type { Caller } from '../core/caller'
import type { ActionParams, ServiceContext } from '../core/context'
import { invalidParam } from '../core/errors'
import { denied } from './permissions'
import type { Filter } from './query'
import type { Doc } from './store'
import { parseEjsonObject, queryValues, resolveServerDates } from './wire'

/** The query part shared by get/count/update/remove: WHERE (a filter) or DOC (one _id). */
export function readRequest(p: ActionParams, ctx: ServiceContext): { filter: Filter; single: boolean } {
  const queryType = p.queryType ?? 'WHERE'
  if (queryType !== 'WHERE' && queryType !== 'DOC') throw invalidParam('queryType must be WHERE or DOC')
  const filter =
    p.query === undefined || p.query === ''
      ? {}
      : queryValues(resolveServerDates(parseEjsonObject(p.query, 'query'), ctx.now()))
  if (queryType === 'DOC') {
    const id = filter._id
    if ((typeof id !== 'string' || !id) && typeof id !== 'number')
      throw invalidParam('a doc() request needs a string or number _id')
  }
  return { filter, single: queryType === 'DOC' }
}

/**
 * A new document: its _id (given or WeChat-style 32 hex), and on the client the caller's _openid. Field names
 * are checked by the store (NeDB refuses `$` and `.` as MongoDB does).
 */
export function newDocument(doc: Record<string, unknown>, caller: Caller): Doc {
  const id = doc._id
  if (id !== undefined && (typeof id !== 'string' || !id || id.length > 128) && typeof id !== 'number') {
    throw invalidParam('_id must be a non-empty string (at most 128 characters) or a number')
  }
  if (caller.kind === 'client' && '_openid' in doc) throw denied('_openid is set by WeChat, not by the mini program')
  return {
    ...doc,
    _id: id ?? randomBytes(16).toString('hex'),
    ...(caller.kind === 'client' ? { _openid: caller.openid } : {}),
  } as Doc
}
