import Datastore from '@seald-io/nedb'
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { CloudError } from '../core/errors'
import type { IndexSpec } from './config'

export type Doc = Record<string, unknown> & { _id: string | number }

/**
 * One collection on NeDB (an embedded, persistent, MongoDB-like store): a file per collection under
 * `<dataDir>/database/`, or memory only. Writes are serialised per collection so that a read-modify-write
 * (update operators, multi-document updates) is atomic, as each MongoDB write is in WeChat's database.
 */
export class StoredCollection {
  private queue: Promise<unknown> = Promise.resolve()

  private constructor(
    readonly name: string,
    private readonly store: Datastore<Doc>,
    private readonly indexes: IndexSpec[],
  ) {}

  static async open(name: string, dir: string | undefined, indexes: IndexSpec[]): Promise<StoredCollection> {
    const store = new Datastore<Doc>(dir ? { filename: join(dir, `${name}.db`) } : { inMemoryOnly: true })
    await store.loadDatabaseAsync()
    for (const index of indexes)
      await store.ensureIndexAsync({ fieldName: index.keys[0], unique: index.unique, sparse: false })
    return new StoredCollection(name, store, indexes)
  }

  /** Runs a write with no other write of this collection in between. */
  exclusive<T>(write: () => Promise<T>): Promise<T> {
    const run = this.queue.then(write, write)
    this.queue = run.catch(() => undefined)
    return run
  }

  /** NeDB pre-selection (uses its indexes); callers refine with the full query. */
  find(prefilter: Record<string, unknown>): Promise<Doc[]> {
    return this.store.findAsync(prefilter)
  }

  async insert(docs: Doc[]): Promise<void> {
    // NeDB inserts an array atomically: all or none
    await this.guard(() => this.store.insertAsync(docs))
  }

  /** Replaces documents by _id; on a failure the ones already replaced are put back. */
  async replace(updates: Array<{ before: Doc; after: Doc }>): Promise<void> {
    const done: Doc[] = []
    try {
      for (const { before, after } of updates) {
        await this.guard(() => this.store.updateAsync({ _id: before._id }, after, {}))
        done.push(before)
      }
    } catch (e) {
      for (const before of done) await this.store.updateAsync({ _id: before._id }, before, {})
      throw e
    }
  }

  async remove(ids: Array<string | number>): Promise<number> {
    if (!ids.length) return 0
    const removed = await this.store.removeAsync({ _id: { $in: ids } }, { multi: true })
    // NeDB only appends: rewrite the file so deleted documents are gone from disk, not just from memory
    if (removed) await this.store.compactDatafileAsync()
    return removed
  }

  async clear(): Promise<void> {
    await this.store.removeAsync({}, { multi: true })
    await this.store.compactDatafileAsync()
  }

  /** NeDB's errors in WeChat's words: a unique-index violation is MongoDB's E11000 behind -502001. */
  private async guard<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write()
    } catch (e) {
      const err = e as { errorType?: string; key?: unknown; message?: string }
      if (err.errorType === 'uniqueViolated') {
        const index = this.indexes.find((i) => i.unique) ?? { name: 'unique', keys: ['?'] }
        throw new CloudError(
          'DATABASE_REQUEST_FAILED',
          `E11000 duplicate key error collection: ${this.name} index: ${index.name} dup key: { ${index.keys[0]}: ${JSON.stringify(err.key)} }`,
        )
      }
      // NeDB refuses field names starting with $ or containing a dot, as MongoDB does
      throw new CloudError('INVALID_PARAM', `invalid document: ${err.message ?? String(e)}`)
    }
  }
}

/** The collection files present in a data folder: collections created earlier survive a restart. */
export function storedCollectionNames(dir: string | undefined): string[] {
  if (!dir || !existsSync(dir)) return []
  return readdirSync(dir)
    .filter((f) => f.endsWith('.db'))
    .map((f) => f.slice(0, -3))
}

export function ensureDir(dir: string | undefined): void {
  if (dir) mkdirSync(dir, { recursive: true })
}

export function removeCollectionFile(dir: string | undefined, name: string): void {
  if (dir) rmSync(join(dir, `${name}.db`), { force: true })
}
