import { join } from 'node:path'
import type { ServiceContext, ActionTable } from '../core/context'
import type { EmulatorService } from '../core/lifecycle'
import { Collections } from './collections'
import type { DatabaseConfig } from './config'
import { databaseActions } from './actions'
import type { Doc } from './store'

export { loadDatabaseConfig } from './config'
export type { DatabaseConfig, CollectionConfig } from './config'

export interface EmulatedDatabase extends EmulatorService {
  /** database.* actions of the TCB API, by name */
  actions: ActionTable
  /** every document of a collection, straight from the store (tests, admin view); [] if it does not exist */
  dump(collection: string): Promise<Doc[]>
  collections(): string[]
  /** empties every collection and drops those created at run time (console-configured ones stay) */
  reset(): Promise<void>
  close(): Promise<void>
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
