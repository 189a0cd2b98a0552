import Datastore from '@seald-io/nedb'
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { CloudError } from '../core/errors'
import { isFileSystemError, repairTornTail } from '../core/data-file'
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
    if (dir) repairTornTail(join(dir, `${name}.db`))
    const store = new Datastore<Doc>(dir ? { filename: join(dir, `${name}.db`) } : { inMemoryOnly: true })
    await store.loadDatabaseAsync()
    // geo indexes are not NeDB's: they only tell geo queries which fields are indexed (geo.ts)
    for (const index of indexes.filter((i) => i.type !== '2dsphere'))
      await store.ensureIndexAsync({ fieldName: index.keys[0], unique: index.unique, sparse: false })
    return new StoredCollection(name, store, indexes)
  }

  /** Runs a write with no other write of this collection in between. */
  exclusive<T>(write: () => Promise<T>): Promise<T> {
    const run = this.queue.then(write, write)
    this.queue = run.catch(() => undefined)
    return run
  }

  /** the fields a geo (2dsphere) index covers */
  geoFields(): string[] {
    return this.indexes.filter((i) => i.type === '2dsphere').map((i) => i.keys[0])
  }

  /** NeDB pre-selection (uses its indexes); callers refine with the full query. */
  find(prefilter: Record<string, unknown>): Promise<Doc[]> {
    return this.store.findAsync(prefilter)
  }

  /**
   * Writes fail closed: NeDB changes its memory before appending to the file, so when the append fails (disk
   * full, read-only, gone) the change is undone in memory too and the caller gets an error: a write that did not
   * reach the disk is never visible.
   */
  async insert(docs: Doc[]): Promise<void> {
    // NeDB inserts an array atomically: all or none
    await this.guard(
      () => this.store.insertAsync(docs),
      () => this.store.removeAsync({ _id: { $in: docs.map((d) => d._id) } }, { multi: true }),
    )
  }

  /** Replaces documents by _id; on a failure the ones already replaced are put back. */
  async replace(updates: Array<{ before: Doc; after: Doc }>): Promise<void> {
    const done: Doc[] = []
    try {
      for (const { before, after } of updates) {
        done.push(before)
        await this.guard(() => this.store.updateAsync({ _id: before._id }, after, {}))
      }
    } catch (e) {
      // memory is put back even where the file cannot be written (its old lines still hold the old documents)
      for (const before of done) await this.store.updateAsync({ _id: before._id }, before, {}).catch(() => undefined)
      throw e
    }
  }

  /** Deletes, then rewrites the file so the deleted documents are gone from it too, not only masked. */
  async remove(ids: Array<string | number>): Promise<number> {
    if (!ids.length) return 0
    const doomed = await this.store.findAsync({ _id: { $in: ids } })
    const removed = await this.guard(
      () => this.store.removeAsync({ _id: { $in: ids } }, { multi: true }),
      () => this.store.insertAsync(doomed),
    )
    await this.guard(() => this.store.compactDatafileAsync())
    return removed
  }

  async clear(): Promise<void> {
    await this.store.removeAsync({}, { multi: true })
    await this.store.compactDatafileAsync()
  }

  /** NeDB's errors in WeChat's words: a unique-index violation is MongoDB's E11000 behind -502001. */
  private async guard<T>(write: () => Promise<T>, undoInMemory?: () => Promise<unknown>): Promise<T> {
    try {
      return await write()
    } catch (e) {
      if (isFileSystemError(e)) {
        await undoInMemory?.().catch(() => undefined)
        throw new CloudError(
          'DATABASE_REQUEST_FAILED',
          `the write did not reach the disk (${e.code}); nothing was changed: ${e.message}`,
        )
      }
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
