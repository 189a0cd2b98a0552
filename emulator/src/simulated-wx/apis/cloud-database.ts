import { Db } from '@cloudbase/database'
import type { ClientTransport } from '../transport'

/**
 * wx.cloud.database() for the simulated client. The query builder is @cloudbase/database, the library both
 * the base library's wx.cloud and wx-server-sdk build on, so queries reach the emulator in the real wire
 * format; requests go through the device's transport, so WeChat's identity and the collection's permission
 * apply. Results and failures take the mini program's shapes (`{ data, errMsg }`, `{ stats: { updated } }`,
 * rejections with `errCode` and `errMsg`). Promise style only.
 * Source: https://developers.weixin.qq.com/miniprogram/dev/wxcloud/reference-sdk-api/database/Cloud.database.html
 */
type Raw = Record<string, any>

class DeviceRequest {
  private readonly transport: ClientTransport
  constructor(config: { transport: ClientTransport }) {
    this.transport = config.transport
  }
  async send(action: string, params: Record<string, unknown>): Promise<Raw> {
    const reply = await this.transport(action, params)
    return reply.ok ? reply : { code: reply.code, errCode: reply.errCode, message: reply.errMsg }
  }
}
// one request class for every device: each Db carries its own transport in its config
;(Db as unknown as { reqClass: unknown }).reqClass = DeviceRequest

async function settle<T extends Raw>(
  api: string,
  pending: Promise<Raw>,
  shape: (raw: Raw) => T,
): Promise<T & { errMsg: string }> {
  const raw = await pending
  if (raw && typeof raw.code === 'string') {
    throw {
      errCode: raw.errCode ?? -1,
      errMsg: `${api}:fail ${raw.errCode ?? ''} ${raw.message ?? raw.code}`.replace(/\s+/g, ' '),
    }
  }
  return { ...shape(raw), errMsg: `${api}:ok` }
}

export class ClientQuery {
  constructor(protected readonly raw: Raw) {}
  where(query: object) {
    return new ClientQuery(this.raw.where(query))
  }
  orderBy(field: string, order: 'asc' | 'desc') {
    return new ClientQuery(this.raw.orderBy(field, order))
  }
  limit(n: number) {
    return new ClientQuery(this.raw.limit(n))
  }
  skip(n: number) {
    return new ClientQuery(this.raw.skip(n))
  }
  field(projection: object) {
    return new ClientQuery(this.raw.field(projection))
  }
  get() {
    return settle('collection.get', this.raw.get(), (r) => ({ data: r.data }))
  }
  count() {
    return settle('collection.count', this.raw.count(), (r) => ({ total: r.total }))
  }
  update(options: { data: object }) {
    return settle('collection.update', this.raw.update(options?.data), (r) => ({ stats: { updated: r.updated } }))
  }
  remove() {
    return settle('collection.remove', this.raw.remove(), (r) => ({ stats: { removed: r.deleted } }))
  }
}

export class ClientCollection extends ClientQuery {
  add(options: { data: object }) {
    return settle('collection.add', this.raw.add(options?.data), (r) => ({ _id: r.id }))
  }
  doc(id: string | number) {
    return new ClientDocument(this.raw.doc(id), id)
  }
}

export class ClientDocument {
  constructor(
    readonly raw: Raw,
    readonly id: string | number,
  ) {}
  field(projection: object) {
    return new ClientDocument(this.raw.field(projection), this.id)
  }
  async get() {
    const result = await settle('document.get', this.raw.get(), (r) => ({ data: r.data?.[0] }))
    if (!result.data) throw { errCode: -1, errMsg: `document.get:fail document with _id ${this.id} does not exist` }
    return result
  }
  set(options: { data: object }) {
    return settle('document.set', this.raw.set(options?.data), (r) => ({
      _id: this.id,
      stats: { updated: r.updated ?? 0, created: r.upsertedId === undefined ? 0 : 1 },
    }))
  }
  update(options: { data: object }) {
    return settle('document.update', this.raw.update(options?.data), (r) => ({ stats: { updated: r.updated } }))
  }
  remove() {
    return settle('document.remove', this.raw.remove(), (r) => ({ stats: { removed: r.deleted } }))
  }
}

export function cloudDatabase(transport: ClientTransport, options: { env?: string } = {}) {
  const db = new Db({ env: options.env ?? '', transport }) as Raw
  return {
    collection: (name: string) => new ClientCollection(db.collection(name)),
    command: db.command,
    serverDate: (opt?: { offset?: number }) => db.serverDate(opt),
    RegExp: db.RegExp,
  }
}
