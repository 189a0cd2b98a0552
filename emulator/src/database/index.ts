import { join } from 'node:path'
import type { ServiceContext, ActionTable } from '../core/context'
import { CloudError } from '../core/errors'
import { collectionName, type CollectionConfig, type DatabaseConfig } from './config'
import { databaseActions } from './actions'
import { ensureDir, removeCollectionFile, StoredCollection, storedCollectionNames, type Doc } from './store'

export { loadDatabaseConfig } from './config'
export type { DatabaseConfig, CollectionConfig } from './config'

export interface EmulatedDatabase {
  /** database.* actions of the TCB API, by name */
  actions: ActionTable
  /** every document of a collection, straight from the store (tests, admin view); [] if it does not exist */
  dump(collection: string): Promise<Doc[]>
  collections(): string[]
  /** empties every collection and drops those created at run time (console-configured ones stay) */
  reset(): Promise<void>
  close(): Promise<void>
}

/** WeChat's default permission for a collection created at run time (db.createCollection). */
const CREATED_AT_RUNTIME: CollectionConfig = { permission: 'PRIVATE', indexes: [] }

/**
 * The cloud database: the collections of database/collections.json (created, with their indexes, as the
 * console would) plus any a cloud function creates, each persisted by NeDB under `<dataDir>/database/`.
 */
export class Collections {
  private open = new Map<string, { config: CollectionConfig; store: StoredCollection }>()

  constructor(
    private readonly dir: string | undefined,
    private readonly config: DatabaseConfig,
  ) {}

  async load(): Promise<void> {
    ensureDir(this.dir)
    for (const name of new Set([...Object.keys(this.config), ...storedCollectionNames(this.dir)]))
      await this.create(name)
  }

  /** The collection, or WeChat's -502005 when it does not exist. */
  get(value: unknown): { config: CollectionConfig; store: StoredCollection } {
    const name = collectionName(value)
    const found = this.open.get(name)
    if (!found) throw new CloudError('DATABASE_COLLECTION_NOT_EXIST', `Db or Table not exist: ${name}`)
    return found
  }

  has(name: string): boolean {
    return this.open.has(name)
  }

  async create(name: string): Promise<void> {
    const config = this.config[name] ?? CREATED_AT_RUNTIME
    this.open.set(name, { config, store: await StoredCollection.open(name, this.dir, config.indexes) })
  }

  names(): string[] {
    return [...this.open.keys()].sort()
  }

  async reset(): Promise<void> {
    for (const [name, { store }] of this.open) {
      await store.clear()
      if (!this.config[name]) {
        this.open.delete(name)
        removeCollectionFile(this.dir, name)
      }
    }
  }
}

export async function openDatabase(ctx: ServiceContext, config: DatabaseConfig): Promise<EmulatedDatabase> {
  const collections = new Collections(ctx.dataDir ? join(ctx.dataDir, 'database') : undefined, config)
  await collections.load()
  return {
    actions: databaseActions(ctx, collections),
    dump: async (name) => (collections.has(name) ? collections.get(name).store.find({}) : []),
    collections: () => collections.names(),
    reset: () => collections.reset(),
    // NeDB appends every write to its file as it happens: nothing is left to flush
    close: async () => undefined,
  }
}
