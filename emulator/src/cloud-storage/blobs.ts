import { randomUUID } from 'node:crypto'
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

/**
 * File bytes, addressed by an opaque id (never by cloud path, so no path ever reaches the file system).
 * On disk under `<dataDir>/storage/objects/`, or in memory when the emulator has no data folder.
 */
export interface BlobStore {
  put(bytes: Buffer): Promise<string>
  get(id: string): Promise<Buffer | undefined>
  remove(id: string): Promise<void>
  clear(): Promise<void>
}

export function openBlobs(dir: string | undefined): BlobStore {
  return dir ? diskBlobs(dir) : memoryBlobs()
}

function memoryBlobs(): BlobStore {
  const blobs = new Map<string, Buffer>()
  return {
    put: async (bytes) => {
      const id = randomUUID()
      blobs.set(id, Buffer.from(bytes))
      return id
    },
    get: async (id) => blobs.get(id),
    remove: async (id) => void blobs.delete(id),
    clear: async () => blobs.clear(),
  }
}

function diskBlobs(dir: string): BlobStore {
  // created when first needed: a promise made at open and never awaited would reject unhandled if the folder vanished
  const ready = () => mkdir(dir, { recursive: true })
  return {
    put: async (bytes) => {
      await ready()
      const id = randomUUID()
      // write then rename: a crash never leaves a partly written object under its final name
      await writeFile(join(dir, `${id}.part`), bytes)
      await rename(join(dir, `${id}.part`), join(dir, id))
      return id
    },
    get: async (id) => {
      try {
        return await readFile(join(dir, id))
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined
        throw e
      }
    },
    remove: (id) => rm(join(dir, id), { force: true }),
    clear: async () => {
      await rm(dir, { recursive: true, force: true })
      await mkdir(dir, { recursive: true })
    },
  }
}
