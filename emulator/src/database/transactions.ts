import { randomBytes } from 'node:crypto'
import { isDeepStrictEqual } from 'node:util'
import type { Caller } from '../core/caller'
import type { ActionParams, ActionTable, ServiceContext } from '../core/context'
import { CloudError, invalidParam } from '../core/errors'
import type { Collections } from './collections'
import { newDocument, readRequest } from './requests'
import { denied } from './permissions'
import type { Doc } from './store'
import { applyUpdate, parseUpdate, replacement } from './update'
import { parseEjsonObject, resolveServerDates, serializeDoc } from './wire'

/**
 * Database transactions (db.startTransaction / db.runTransaction), as WeChat documents them:
 * - cloud functions only ("事务现仅支持在云函数 wx-server-sdk 使用");
 * - single-record operations only: doc(id).get/set/update/remove and add; no where() batches;
 * - all or nothing: writes are kept aside and applied together on commit, rollback drops them;
 * - a document changed by someone else after the transaction first read it makes the commit fail with
 *   DATABASE_TRANSACTION_CONFLICT, on which runTransaction retries (default 3 times).
 * https://developers.weixin.qq.com/miniprogram/dev/wxcloud/reference-sdk-api/database/Database.runTransaction.html
 * https://developers.weixin.qq.com/miniprogram/dev/wxcloud/reference-sdk-api/database/Database.startTransaction.html
 * WeChat does not document a transaction's lifetime; the emulator drops one left open for 30 seconds.
 */
export const TRANSACTION_TTL_MS = 30_000

interface Pending {
  /** what the transaction saw in the store, by collection and _id (null: absent) */
  seen: Map<string, Map<string | number, Doc | null>>
  /** what it will write (null: delete) */
  writes: Map<string, Map<string | number, Doc | null>>
  expiresAt: number
}

export class Transactions {
  private open = new Map<string, Pending>()

  constructor(
    private readonly ctx: ServiceContext,
    private readonly collections: Collections,
  ) {}

  actions(): ActionTable {
    return {
      'database.startTransaction': async (caller) => {
        adminOnly(caller)
        this.sweep()
        const id = randomBytes(16).toString('hex')
        this.open.set(id, { seen: new Map(), writes: new Map(), expiresAt: this.ctx.now() + TRANSACTION_TTL_MS })
        return { transactionId: id }
      },
      'database.commitTransaction': async (caller, p) => {
        adminOnly(caller)
        const tx = this.take(p)
        await this.commit(tx)
        return {}
      },
      'database.abortTransaction': async (caller, p) => {
        adminOnly(caller)
        this.take(p)
        return {}
      },
    }
  }

  async get(caller: Caller, p: ActionParams) {
    const { tx, name, id } = this.single(caller, p)
    const doc = await this.current(tx, name, id)
    return { data: { list: doc ? [serializeDoc(doc)] : [] }, limit: 1, offset: 0 }
  }

  async insert(caller: Caller, p: ActionParams) {
    const tx = this.pending(caller, p)
    const name = this.collections.get(p.collectionName).store.name
    if (!Array.isArray(p.data) || p.data.length !== 1) throw invalidParam('a transaction adds one document at a time')
    const doc = newDocument(resolveServerDates(parseEjsonObject(p.data[0], 'data[0]'), this.ctx.now()), caller)
    if (await this.current(tx, name, doc._id)) {
      throw new CloudError('DATABASE_REQUEST_FAILED', `E11000 duplicate key error collection: ${name} index: _id_`)
    }
    writesOf(tx, name).set(doc._id, doc)
    return { data: { insertedIds: [doc._id] } }
  }

  async modify(caller: Caller, p: ActionParams) {
    const { tx, name, id } = this.single(caller, p)
    const data = resolveServerDates(parseEjsonObject(p.data, 'data'), this.ctx.now())
    const before = await this.current(tx, name, id)
    const merge = p.merge !== false
    if (!before && !p.upsert) return { data: { updated: 0 } }
    const base = before ?? newDocument({ _id: id }, caller)
    const after = merge ? applyUpdate(base, parseUpdate(data, caller)) : replacement(base, data, caller)
    writesOf(tx, name).set(id, after)
    if (!before) return { data: { updated: 0, upsert_id: id } }
    return { data: { updated: isDeepStrictEqual(before, after) ? 0 : 1 } }
  }

  async remove(caller: Caller, p: ActionParams) {
    const { tx, name, id } = this.single(caller, p)
    const before = await this.current(tx, name, id)
    if (before) writesOf(tx, name).set(id, null)
    return { data: { deleted: before ? 1 : 0 } }
  }

  private pending(caller: Caller, p: ActionParams): Pending {
    adminOnly(caller)
    const tx = typeof p.transactionId === 'string' ? this.open.get(p.transactionId) : undefined
    if (!tx || tx.expiresAt <= this.ctx.now()) throw invalidParam('the transaction does not exist or has ended')
    return tx
  }

  private single(caller: Caller, p: ActionParams) {
    const tx = this.pending(caller, p)
    const name = this.collections.get(p.collectionName).store.name
    const request = readRequest(p, this.ctx)
    if (!request.single) throw invalidParam('事务中只允许单记录操作: use doc(id), not where()')
    return { tx, name, id: request.filter._id as string | number }
  }

  /** The document as this transaction sees it: its own write, else the store (remembered for the commit check). */
  private async current(tx: Pending, name: string, id: string | number): Promise<Doc | null> {
    const written = tx.writes.get(name)
    if (written?.has(id)) return written.get(id) ?? null
    let seen = tx.seen.get(name)
    if (!seen) tx.seen.set(name, (seen = new Map()))
    if (!seen.has(id)) {
      const [doc] = await this.collections.get(name).store.find({ _id: id })
      seen.set(id, doc ?? null)
    }
    return seen.get(id) ?? null
  }

  private take(p: ActionParams): Pending {
    const id = typeof p.transactionId === 'string' ? p.transactionId : ''
    const tx = this.open.get(id)
    this.open.delete(id)
    if (!tx || tx.expiresAt <= this.ctx.now()) throw invalidParam('the transaction does not exist or has ended')
    return tx
  }

  /** Applies every write, collection by collection under its write lock; a failure puts back what was applied. */
  private async commit(tx: Pending): Promise<void> {
    const undo: Array<() => Promise<unknown>> = []
    try {
      for (const [name, writes] of tx.writes) {
        const { store } = this.collections.get(name)
        await store.exclusive(async () => {
          for (const [id, next] of writes) {
            const [now] = await store.find({ _id: id })
            const seen = tx.seen.get(name)?.get(id)
            if (seen !== undefined && !isDeepStrictEqual(now ?? null, seen)) {
              throw new CloudError(
                'DATABASE_TRANSACTION_CONFLICT',
                `document ${String(id)} changed during the transaction`,
              )
            }
            if (next === null) {
              if (!now) continue
              await store.remove([id])
              undo.push(() => store.insert([now]))
            } else if (now) {
              await store.replace([{ before: now, after: next }])
              undo.push(() => store.replace([{ before: next, after: now }]))
            } else {
              await store.insert([next])
              undo.push(() => store.remove([id]))
            }
          }
        })
      }
    } catch (e) {
      for (const step of undo.reverse()) await step().catch(() => undefined)
      throw e
    }
  }

  private sweep(): void {
    const now = this.ctx.now()
    for (const [id, tx] of this.open) if (tx.expiresAt <= now) this.open.delete(id)
  }
}

function adminOnly(caller: Caller): void {
  if (caller.kind !== 'admin') throw denied('transactions are available to cloud functions only')
}

function writesOf(tx: Pending, name: string): Map<string | number, Doc | null> {
  let writes = tx.writes.get(name)
  if (!writes) tx.writes.set(name, (writes = new Map()))
  return writes
}
