import { isDeepStrictEqual } from 'node:util'
import type { ActionParams, ActionTable, ServiceContext } from '../core/context'
import { CloudError, invalidParam } from '../core/errors'
import { collectionName } from './config'
import type { Collections } from './collections'
import { allowsDocument, authorize, denied, type Access } from './permissions'
import { and, parseOrder, project, select, type Filter } from './query'
import type { Doc } from './store'
import { applyUpdate, parseUpdate, replacement } from './update'
import { lookupSources, parseStages, runPipeline } from './aggregate'
import { Transactions } from './transactions'
import { runGeoNearStage, type GeoNearStage } from './geo'
import { parseEjson, parseEjsonObject, resolveServerDates, serializeDoc } from './wire'
import { newDocument, readRequest } from './requests'

/**
 * The database actions of the TCB API (what wx-server-sdk's `db.collection(...)` calls send), for cloud
 * functions (admin) and the mini program (client, under the collection's permission).
 *
 * Limits as WeChat documents them (https://developers.weixin.qq.com/miniprogram/dev/wxcloud/guide/database/read.html):
 * a query returns at most 20 documents to the mini program (default 20) and 1000 to a cloud function
 * (the SDK's default 100); one insert takes at most 1000 documents.
 */
export const LIMITS = {
  client: { default: 20, max: 20 },
  admin: { default: 100, max: 1000 },
  insertBatch: 1000,
} as const

export function databaseActions(ctx: ServiceContext, collections: Collections): ActionTable {
  const fault = (action: string) => ctx.faults.apply('database', action)
  const transactions = new Transactions(ctx, collections)
  // a request that names a transaction runs inside it (transaction.collection(...).doc(...) in the SDK)
  const inTransaction = (p: ActionParams) => p.transactionId !== undefined

  return {
    ...transactions.actions(),
    'database.insertDocument': async (caller, p) => {
      await fault('database.insertDocument')
      if (inTransaction(p)) return transactions.insert(caller, p)
      const { config, store } = collections.get(p.collectionName)
      if (!Array.isArray(p.data) || p.data.length === 0)
        throw invalidParam('data must be a non-empty array of documents')
      if (p.data.length > LIMITS.insertBatch) throw invalidParam(`at most ${LIMITS.insertBatch} documents per insert`)
      const docs = p.data.map((raw, i) =>
        newDocument(resolveServerDates(parseEjsonObject(raw, `data[${i}]`), ctx.now()), caller),
      )
      for (const doc of docs)
        if (!allowsDocument(config, caller, 'create', doc)) throw denied('the create rule refuses this document')
      await store.exclusive(() => store.insert(docs))
      return { data: { insertedIds: docs.map((d) => d._id) } }
    },

    'database.getDocument': async (caller, p) => {
      await fault('database.getDocument')
      if (inTransaction(p)) return transactions.get(caller, p)
      const { config, store } = collections.get(p.collectionName)
      const request = readRequest(p, ctx)
      const limits = caller.kind === 'client' ? LIMITS.client : LIMITS.admin
      const limit = optionalCount(p.limit, 'limit', 1) ?? limits.default
      const offset = optionalCount(p.offset, 'offset', 0) ?? 0
      const order = p.order === undefined ? undefined : parseOrder(parseEjson(p.order, 'order'))
      const projection = p.projection === undefined ? undefined : parseEjsonObject(p.projection, 'projection')
      const access = authorize(config, caller, 'read', request.filter, request.single)
      const selection = { order, offset, limit: Math.min(limit, limits.max) }
      const docs = await select(store, effective(request.filter, access), selection)
      // the rule sees whole documents; the projection applies to what is returned
      checkEach(docs, access, (d) => allowsDocument(config, caller, 'read', d))
      return { data: { list: project(docs, projection).map(serializeDoc) }, limit: selection.limit, offset }
    },

    'database.calculateDocument': async (caller, p) => {
      await fault('database.calculateDocument')
      const { config, store } = collections.get(p.collectionName)
      const request = readRequest(p, ctx)
      const access = authorize(config, caller, 'read', request.filter, request.single)
      const docs = await select(store, effective(request.filter, access))
      checkEach(docs, access, (d) => allowsDocument(config, caller, 'read', d))
      return { data: { total: docs.length } }
    },

    'database.modifyDocument': async (caller, p) => {
      await fault('database.modifyDocument')
      if (inTransaction(p)) return transactions.modify(caller, p)
      const { config, store } = collections.get(p.collectionName)
      const request = readRequest(p, ctx)
      const data = resolveServerDates(parseEjsonObject(p.data, 'data'), ctx.now())
      const merge = p.merge !== false
      const upsert = p.upsert === true
      const multi = p.multi !== false && !request.single
      const expr = merge ? parseUpdate(data, caller) : undefined
      if (!merge && Object.keys(data).some((k) => k.startsWith('$')))
        throw invalidParam('set() takes a document, not update operators')
      const access = authorize(config, caller, 'update', request.filter, request.single)

      return store.exclusive(async () => {
        const targets = await select(store, effective(request.filter, access), multi ? {} : { limit: 1 })
        checkEach(targets, access, (d) => allowsDocument(config, caller, 'update', d))
        if (!targets.length && upsert) {
          const id =
            typeof request.filter._id === 'string' || typeof request.filter._id === 'number'
              ? request.filter._id
              : undefined
          const base = newDocument(id === undefined ? {} : { _id: id }, caller)
          const doc = expr ? applyUpdate(base, expr) : replacement(base, data, caller)
          if (!allowsDocument(config, caller, 'create', doc)) throw denied('the create rule refuses this document')
          await store.insert([doc])
          return { data: { updated: 0, upsert_id: doc._id } }
        }
        const changes = targets
          .map((before) => ({ before, after: expr ? applyUpdate(before, expr) : replacement(before, data, caller) }))
          .filter(({ before, after }) => !isDeepStrictEqual(before, after))
        await store.replace(changes)
        return { data: { updated: changes.length } }
      })
    },

    'database.removeDocument': async (caller, p) => {
      await fault('database.removeDocument')
      if (inTransaction(p)) return transactions.remove(caller, p)
      const { config, store } = collections.get(p.collectionName)
      const request = readRequest(p, ctx)
      const multi = p.multi !== false && !request.single
      const access = authorize(config, caller, 'delete', request.filter, request.single)
      return store.exclusive(async () => {
        const targets = await select(store, effective(request.filter, access), multi ? {} : { limit: 1 })
        checkEach(targets, access, (d) => allowsDocument(config, caller, 'delete', d))
        return { data: { deleted: await store.remove(targets.map((d) => d._id)) } }
      })
    },

    // collection.aggregate(...).end(); on the client under the collection's read permission, like get()
    'database.aggregateDocuments': async (caller, p) => {
      await fault('database.aggregateDocuments')
      const { config, store } = collections.get(p.collectionName)
      const stages = parseStages(p.stages)
      const readable = async (cfg: typeof config, st: typeof store, match: Filter) => {
        const access = authorize(cfg, caller, 'read', match, false)
        return select(st, effective(match, access))
      }
      const geoNear = stages[0].$geoNear as GeoNearStage | undefined
      const first = geoNear ? geoNear.query : stages[0].$match
      let docs = await readable(config, store, first && typeof first === 'object' ? (first as Filter) : {})
      if (geoNear) docs = runGeoNearStage(docs, geoNear, store.geoFields())
      const rest = geoNear ? stages.slice(1) : stages
      const foreign = new Map<string, Doc[]>()
      for (const name of lookupSources(rest)) {
        const other = collections.get(name)
        foreign.set(name, await readable(other.config, other.store, {}))
      }
      return { data: { list: runPipeline(docs, rest, foreign).map(serializeDoc) } }
    },

    // Query.updateAndReturn(): the first match updated, and the document after the update (cloud functions only)
    // https://docs.cloudbase.net/api-reference/server/node-sdk/database/query#updateandreturn
    'database.modifyAndReturnDoc': async (caller, p) => {
      await fault('database.modifyAndReturnDoc')
      if (caller.kind !== 'admin') throw denied('updateAndReturn is available to cloud functions only')
      const { store } = collections.get(p.collectionName)
      const request = readRequest(p, ctx)
      const expr = parseUpdate(resolveServerDates(parseEjsonObject(p.data, 'data'), ctx.now()), caller)
      return store.exclusive(async () => {
        const [before] = await select(store, request.filter, { limit: 1 })
        if (!before) return { data: { updated: 0, doc: null } }
        const after = applyUpdate(before, expr)
        const changed = !isDeepStrictEqual(before, after)
        if (changed) await store.replace([{ before, after }])
        return { data: { updated: changed ? 1 : 0, doc: serializeDoc(after) } }
      })
    },

    'database.addCollection': async (caller, p) => {
      await fault('database.addCollection')
      if (caller.kind !== 'admin') throw denied('only cloud functions create collections')
      const name = collectionName(p.collectionName)
      if (collections.has(name)) throw new CloudError('DATABASE_REQUEST_FAILED', `Table exist: ${name}`)
      await collections.create(name)
      return {}
    },
  }
}

function effective(filter: Filter, access: Access): Filter {
  return access.kind === 'narrowed' ? and(filter, access.filter) : filter
}

function checkEach(docs: Doc[], access: Access, allowed: (doc: Doc) => boolean): void {
  if (access.kind === 'perDocument' && !docs.every(allowed))
    throw denied("the document does not satisfy the collection's rule")
}

function optionalCount(value: unknown, name: string, min: number): number | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min)
    throw invalidParam(`${name} must be an integer >= ${min}`)
  return value
}
