import type { BlobStore } from './blobs'
import type { Catalog, StoredFile } from './catalog'
import { fileIdOf } from './paths'

/**
 * The environment's one storage bucket: writes, reads and deletes that keep metadata and bytes consistent.
 * Mutations run one at a time, so two uploads to the same path cannot both keep their bytes.
 */
export class Bucket {
  private queue: Promise<unknown> = Promise.resolve()

  constructor(
    private readonly envId: string,
    private readonly catalog: Catalog,
    private readonly blobs: BlobStore,
    private readonly now: () => number,
  ) {}

  get(cloudPath: string): Promise<StoredFile | undefined> {
    return this.catalog.get(cloudPath)
  }

  async read(cloudPath: string): Promise<{ file: StoredFile; bytes: Buffer } | undefined> {
    const file = await this.catalog.get(cloudPath)
    const bytes = file && (await this.blobs.get(file.blob))
    return file && bytes ? { file, bytes } : undefined
  }

  /**
   * Stores bytes at cloudPath (replacing any file there). `mayReplace` decides, inside the queue, whether an
   * existing file may be overwritten; when it refuses nothing is written.
   */
  write(
    cloudPath: string,
    bytes: Buffer,
    uploadedBy: string | undefined,
    mayReplace: (existing: StoredFile) => boolean = () => true,
  ) {
    return this.serial(async (): Promise<StoredFile | 'refused'> => {
      const existing = await this.catalog.get(cloudPath)
      if (existing && !mayReplace(existing)) return 'refused'
      const blob = await this.blobs.put(bytes)
      const file: StoredFile = {
        cloudPath,
        fileID: fileIdOf(this.envId, cloudPath),
        size: bytes.length,
        blob,
        createdAt: this.now(),
      }
      if (uploadedBy) file.uploadedBy = uploadedBy
      try {
        await this.catalog.put(file)
      } catch (e) {
        await this.blobs.remove(blob) // metadata failed: drop the orphaned bytes
        throw e
      }
      if (existing) await this.blobs.remove(existing.blob)
      return file
    })
  }

  /** Deletes cloudPath if `mayDelete` allows it; reports what happened. */
  delete(cloudPath: string, mayDelete: (file: StoredFile) => boolean = () => true) {
    return this.serial(async (): Promise<'deleted' | 'missing' | 'refused'> => {
      const file = await this.catalog.get(cloudPath)
      if (!file) return 'missing'
      if (!mayDelete(file)) return 'refused'
      await this.catalog.remove(cloudPath)
      await this.blobs.remove(file.blob)
      return 'deleted'
    })
  }

  list(prefix?: string): Promise<StoredFile[]> {
    return this.catalog.list(prefix)
  }

  reset(): Promise<void> {
    return this.serial(async () => {
      await this.catalog.clear()
      await this.blobs.clear()
    })
  }

  private serial<T>(run: () => Promise<T>): Promise<T> {
    const next = this.queue.then(run, run)
    this.queue = next.catch(() => undefined)
    return next
  }
}
