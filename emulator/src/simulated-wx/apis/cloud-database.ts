import { Db } from '@cloudbase/database'
import type { ClientTransport } from '../transport'
import { deliver, type WxCallbacks } from '../callback-api'

/**
 * wx.cloud.database() for the simulated client. The query builder is @cloudbase/database, the library both
 * the base library's wx.cloud and wx-server-sdk build on, so queries reach the emulator in the real wire
 * format; requests go through the device's transport, so WeChat's identity and the collection's permission
 * apply. Results and failures take the mini program's shapes (`{ data, errMsg }`, `{ stats: { updated } }`,
 * rejections with `errCode` and `errMsg`), through callbacks or a Promise.
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

/**
 * @cloudbase/database keeps one request class for the whole process (`Db.reqClass`), and wx-server-sdk's
 * @cloudbase/node-sdk sets it to its admin requester when it loads. A simulated device must never send its
 * queries with a cloud function's credentials, so the class is chosen per Db: a Db built with a device
 * transport always uses the device's, whatever the SDK assigned; every other Db gets the SDK's class.
 */
const DbStatics = Db as unknown as { reqClass: unknown }
let serverRequestClass: unknown = DbStatics.reqClass
function RequestFor(this: unknown, config: { transport?: ClientTransport }) {
  if (typeof config?.transport === 'function') return new DeviceRequest(config as { transport: ClientTransport })
  if (typeof serverRequestClass !== 'function') throw new Error('no database request class: init wx-server-sdk first')
  return new (serverRequestClass as new (c: unknown) => object)(config)
}
Object.defineProperty(Db, 'reqClass', {
  configurable: true,
  get: () => RequestFor,
  set: (cls: unknown) => {
    if (cls !== RequestFor) serverRequestClass = cls
  },
})

/**
 * wx.cloud.database() calls take `success`/`fail`/`complete` like every wx API, or return a Promise when none
 * is given (the convention of callback-api.ts).
 * https://developers.weixin.qq.com/miniprogram/dev/wxcloud/reference-sdk-api/database/collection/Collection.get.html
 */
// typed as the Promise form (what tests and pages await); with callbacks the call returns undefined, as in WeChat
function answer<T>(options: WxCallbacks | undefined, run: () => Promise<T>): Promise<T> {
  return deliver(options, Promise.resolve().then(run)) as Promise<T>
}

async function settle<T extends Raw>(
  api: string,
  pending: () => Promise<Raw>,
  shape: (raw: Raw) => T,
): Promise<T & { errMsg: string }> {
  let raw: Raw
  try {
    raw = await pending()
  } catch (e) {
    // the query builder refuses bad arguments by throwing: that is a fail, as in the base library
    throw { errCode: -1, errMsg: `${api}:fail ${(e as Error)?.message ?? String(e)}` }
  }
  if (raw && typeof raw.code === 'string') {
    throw {
      errCode: raw.errCode ?? -1,
      errMsg: `${api}:fail ${raw.errCode ?? ''} ${raw.message ?? raw.code}`.replace(/\s+/g, ' '),
    }
  }
  return { ...shape(raw), errMsg: `${api}:ok` }
}

type WithData = WxCallbacks & { data?: object }

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
  get(options?: WxCallbacks) {
    return answer(options, () =>
      settle(
        'collection.get',
        () => this.raw.get(),
        (r) => ({ data: r.data }),
      ),
    )
  }
  count(options?: WxCallbacks) {
    return answer(options, () =>
      settle(
        'collection.count',
        () => this.raw.count(),
        (r) => ({ total: r.total }),
      ),
    )
  }
  update(options: WithData) {
    return answer(options, () =>
      settle(
        'collection.update',
        () => this.raw.update(options?.data),
        (r) => ({ stats: { updated: r.updated } }),
      ),
    )
  }
  remove(options?: WxCallbacks) {
    return answer(options, () =>
      settle(
        'collection.remove',
        () => this.raw.remove(),
        (r) => ({ stats: { removed: r.deleted } }),
      ),
    )
  }
}

export class ClientCollection extends ClientQuery {
  add(options: WithData) {
    return answer(options, () =>
      settle(
        'collection.add',
        () => this.raw.add(options?.data),
        (r) => ({ _id: r.id }),
      ),
    )
  }
  doc(id: string | number) {
    return new ClientDocument(this.raw.doc(id), id)
  }
  aggregate() {
    return new ClientAggregate(this.raw.aggregate())
  }
}

/** collection.aggregate(): the stages as @cloudbase/database builds them, `end()` sends them. */
class ClientAggregate {
  constructor(private readonly raw: Raw) {
    return new Proxy(this, {
      get: (target, key, receiver) => {
        if (key === 'end' || typeof key === 'symbol' || key in target) return Reflect.get(target, key, receiver)
        const stage = (raw as Record<string, unknown>)[key]
        if (typeof stage !== 'function') return undefined
        return (...args: unknown[]) => {
          stage.apply(raw, args)
          return receiver
        }
      },
    })
  }
  end(options?: WxCallbacks) {
    return answer(options, () =>
      settle(
        'collection.aggregate',
        () => this.raw.end(),
        (r) => ({ list: r.data ?? r.list ?? [] }),
      ),
    )
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
  get(options?: WxCallbacks) {
    return answer(options, async () => {
      const result = await settle(
        'document.get',
        () => this.raw.get(),
        (r) => ({ data: r.data?.[0] }),
      )
      if (!result.data) throw { errCode: -1, errMsg: `document.get:fail document with _id ${this.id} does not exist` }
      return result
    })
  }
  set(options: WithData) {
    return answer(options, () =>
      settle(
        'document.set',
        () => this.raw.set(options?.data),
        (r) => ({
          _id: this.id,
          stats: { updated: r.updated ?? 0, created: r.upsertedId === undefined ? 0 : 1 },
        }),
      ),
    )
  }
  update(options: WithData) {
    return answer(options, () =>
      settle(
        'document.update',
        () => this.raw.update(options?.data),
        (r) => ({ stats: { updated: r.updated } }),
      ),
    )
  }
  remove(options?: WxCallbacks) {
    return answer(options, () =>
      settle(
        'document.remove',
        () => this.raw.remove(),
        (r) => ({ stats: { removed: r.deleted } }),
      ),
    )
  }
}

export function cloudDatabase(transport: ClientTransport, options: { env?: string } = {}) {
  const db = new Db({ env: options.env ?? '', transport }) as Raw
  return {
    collection: (name: string) => new ClientCollection(db.collection(name)),
    command: db.command,
    serverDate: (opt?: { offset?: number }) => db.serverDate(opt),
    RegExp: db.RegExp,
    Geo: callableGeo(db.Geo),
  }
}

/**
 * WeChat's pages call the Geo constructors without `new` (`db.Geo.Point(113, 23)`,
 * https://developers.weixin.qq.com/miniprogram/dev/wxcloud/reference-sdk-api/database/geo/Geo.Point.html);
 * @cloudbase/database's are classes, so each is wrapped to construct when called, and `new` still works.
 */
function callableGeo(geo: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(geo ?? {}))
    out[name] =
      typeof value === 'function'
        ? new Proxy(value, {
            apply: (target, _this, args) => Reflect.construct(target as new (...a: unknown[]) => unknown, args),
          })
        : value
  return out
}
