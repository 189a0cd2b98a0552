import type { IncomingMessage, ServerResponse } from 'node:http'
import { join } from 'node:path'
import type { ActionTable, ServiceContext } from '../core/context'
import type { EmulatorService } from '../core/lifecycle'
import { storageActions } from './actions'
import { openBlobs } from './blobs'
import { Bucket } from './bucket'
import { Catalog } from './catalog'
import { storageHttp } from './http'
import { UploadTickets } from './uploads'

/**
 * Emulated cloud storage: the TCB storage actions the real SDKs call, the upload/download URLs they are
 * handed, and a view for tests. Metadata in NeDB and bytes on disk under `<dataDir>/storage/` (in memory
 * without a data folder), so files survive a restart. See docs/emulator/openapi-storage.md.
 */
export interface EmulatedStorage extends EmulatorService {
  actions: ActionTable
  /** serves /storage/upload/* and /storage/download/*; false for every other path */
  http(req: IncomingMessage, res: ServerResponse): Promise<boolean>
  list(
    prefix?: string,
  ): Promise<Array<{ cloudPath: string; fileID: string; size: number; uploadedBy?: string; createdAt: number }>>
  reset(): Promise<void>
}

export async function openStorage(ctx: ServiceContext): Promise<EmulatedStorage> {
  const dir = ctx.dataDir ? join(ctx.dataDir, 'storage') : undefined
  const catalog = await Catalog.open(dir)
  const bucket = new Bucket(ctx.envId, catalog, openBlobs(dir && join(dir, 'objects')), () => ctx.now())
  const tickets = new UploadTickets(() => ctx.now())
  return {
    actions: storageActions(ctx, bucket, tickets),
    http: storageHttp(ctx, bucket, tickets),
    list: async (prefix) =>
      (await bucket.list(prefix)).map(({ cloudPath, fileID, size, uploadedBy, createdAt }) => ({
        cloudPath,
        fileID,
        size,
        createdAt,
        ...(uploadedBy ? { uploadedBy } : {}),
      })),
    reset: async () => {
      tickets.clear()
      await bucket.reset()
    },
  }
}
