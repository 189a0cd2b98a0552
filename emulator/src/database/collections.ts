import { CloudError } from '../core/errors'
import { collectionName, type CollectionConfig, type DatabaseConfig } from './config'
import { ensureDir, removeCollectionFile, StoredCollection, storedCollectionNames } from './store'

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
