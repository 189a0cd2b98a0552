import Datastore from '@seald-io/nedb'
import { join } from 'node:path'
import { repairTornTail } from '../core/data-file'

/** One stored file's metadata; the bytes live in the blob store under `blob`. */
export interface StoredFile {
  cloudPath: string
  fileID: string
  size: number
  blob: string
  /** openid of the mini program user who uploaded it; absent for uploads by cloud functions */
  uploadedBy?: string
  createdAt: number
}

/** File metadata in NeDB (`<dataDir>/storage/files.db`, or in memory). */
export class Catalog {
  private constructor(private readonly store: Datastore<StoredFile>) {}

  static async open(dir: string | undefined): Promise<Catalog> {
    if (dir) repairTornTail(join(dir, 'files.db'))
    const store = new Datastore<StoredFile>(
      dir ? { filename: join(dir, 'files.db'), autoload: false } : { inMemoryOnly: true },
    )
    await store.loadDatabaseAsync()
    await store.ensureIndexAsync({ fieldName: 'cloudPath', unique: true })
    return new Catalog(store)
  }

  async get(cloudPath: string): Promise<StoredFile | undefined> {
    return strip(await this.store.findOneAsync({ cloudPath }))
  }

  /** Inserts or replaces the entry for file.cloudPath; returns the replaced one. */
  async put(file: StoredFile): Promise<StoredFile | undefined> {
    const previous = await this.get(file.cloudPath)
    await this.store.updateAsync({ cloudPath: file.cloudPath }, { ...file }, { upsert: true })
    return previous
  }

  /** Removes the entry and rewrites the file, so the file's metadata (who uploaded what) is gone from disk too. */
  async remove(cloudPath: string): Promise<void> {
    await this.store.removeAsync({ cloudPath }, {})
    await this.store.compactDatafileAsync()
  }

  async list(prefix = ''): Promise<StoredFile[]> {
    const all = (await this.store.findAsync({}).sort({ cloudPath: 1 })).map((f) => strip(f)!)
    return all.filter((f) => f.cloudPath.startsWith(prefix))
  }

  async clear(): Promise<void> {
    await this.store.removeAsync({}, { multi: true })
    await this.store.compactDatafileAsync()
  }
}

function strip(doc: (StoredFile & { _id?: string }) | null): StoredFile | undefined {
  if (!doc) return undefined
  const { _id, ...file } = doc
  void _id
  return file
}
