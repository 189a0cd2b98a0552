import type { Caller } from '../core/caller'
import { CloudError } from '../core/errors'
import type { CollectionConfig } from './config'
import { pinnedFields, type Filter } from './query'
import { evaluate, UNKNOWN, type Operation, type RuleEnv } from './rules'
import type { Doc } from './store'

/**
 * Who may do what from the mini program. Cloud functions (admin) may do everything; the client follows the
 * collection's permission:
 * - built-in modes work as WeChat's "basic permissions": reads and writes are silently narrowed to the
 *   caller's own documents (`_openid`), or refused outright where the mode gives the client nothing;
 * - custom security rules work as WeChat's: a query is allowed only if the rule holds for every document it
 *   could match (the query must be a "subset" of the rule, e.g. pin `_openid` to `auth.openid`); otherwise
 *   the whole request fails with -502003, it is never narrowed.
 * Sources: https://developers.weixin.qq.com/miniprogram/dev/wxcloud/guide/database/permission.html
 *          https://developers.weixin.qq.com/miniprogram/dev/wxcloud/guide/database/security-rules.html
 */
export type Access =
  | { kind: 'all' }
  /** only documents that also match this filter */
  | { kind: 'narrowed'; filter: Filter }
  /** a single-document request the rule cannot decide from the query alone: check the document itself */
  | { kind: 'perDocument' }

export const denied = (what: string) => new CloudError('DATABASE_PERMISSION_DENIED', `Permission denied: ${what}`)

const CLIENT_CAN: Record<string, { read: 'all' | 'own' | 'none'; write: 'own' | 'none' }> = {
  PRIVATE: { read: 'own', write: 'own' },
  READONLY: { read: 'all', write: 'own' },
  ADMINWRITE: { read: 'all', write: 'none' },
  ADMINONLY: { read: 'none', write: 'none' },
}

/** Access for reading, updating or deleting what `filter` selects; throws -502003 when refused. */
export function authorize(
  config: CollectionConfig,
  caller: Caller,
  op: Exclude<Operation, 'create'>,
  filter: Filter,
  singleDocument: boolean,
): Access {
  if (caller.kind === 'admin') return { kind: 'all' }
  if (config.permission !== 'CUSTOM') {
    const can = CLIENT_CAN[config.permission][op === 'read' ? 'read' : 'write']
    if (can === 'all') return { kind: 'all' }
    if (can === 'own') return { kind: 'narrowed', filter: { _openid: caller.openid } }
    throw denied(`the mini program may not ${op} this collection (${config.permission})`)
  }
  const pinned = pinnedFields(filter)
  const verdict = evaluate(
    config.rules![op],
    env(caller, (path) => (pinned.has(path) ? pinned.get(path) : UNKNOWN)),
  )
  if (verdict === true) return { kind: 'all' }
  if (verdict === UNKNOWN && singleDocument) return { kind: 'perDocument' }
  throw denied(`the query must satisfy the collection's ${op} rule`)
}

/** The custom rule for one concrete document (doc operations, and every new document). */
export function allowsDocument(config: CollectionConfig, caller: Caller, op: Operation, doc: Doc): boolean {
  if (caller.kind === 'admin') return true
  if (config.permission !== 'CUSTOM') {
    if (op === 'create') return CLIENT_CAN[config.permission].write === 'own'
    const can = CLIENT_CAN[config.permission][op === 'read' ? 'read' : 'write']
    return can === 'all' || (can === 'own' && doc._openid === caller.openid)
  }
  return (
    evaluate(
      config.rules![op],
      env(caller, (path) => valueAt(doc, path)),
    ) === true
  )
}

function env(caller: Extract<Caller, { kind: 'client' }>, doc: RuleEnv['doc']): RuleEnv {
  return { auth: { openid: caller.openid, appid: caller.appid, unionid: caller.unionid }, doc, now: Date.now() }
}

function valueAt(doc: Record<string, unknown>, path: string): unknown {
  let current: unknown = doc
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined
    current = (current as Record<string, unknown>)[part]
  }
  return current
}
