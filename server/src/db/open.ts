import type { DatabaseConfig } from '../config'
import type { Database } from './database'
import { migrate } from './migrate'
import { openPglite } from './pglite'
import { openPostgres } from './pg'

/** Opens the configured database and brings its schema up to date (migrations run at every start). */
export async function openDatabase(config: DatabaseConfig, options: { template?: Blob } = {}): Promise<Database> {
  const db =
    config.kind === 'postgres'
      ? await openPostgres(config.url)
      : await openPglite({ dataDir: config.dataDir, template: options.template })
  try {
    await migrate(db)
  } catch (e) {
    await db.close().catch(() => undefined)
    throw e
  }
  return db
}
