import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { Client } from 'pg'
import type { Database } from '../../server/src'
import { openPglite, pgliteTemplate } from '../../server/src/db/pglite'
import { openPostgres } from '../../server/src/db/pg'
import { migrate } from '../../server/src/db/migrate'
import { PGLITE_TEMPLATE_PATH } from './pglite-template-path'

/**
 * A fresh, migrated database for one test file. PGlite by default; with WEAUTH_TEST_DATABASE_URL set
 * (postgres://…, .ci/run sets it) a real PostgreSQL server, one new database per call, dropped after.
 * PGlite's initdb takes seconds, so its freshly initialised data directory is dumped once to the temp
 * folder and every later database starts from that dump.
 */
export const TEST_DATABASE_URL = process.env.WEAUTH_TEST_DATABASE_URL || ''

const TEMPLATE = PGLITE_TEMPLATE_PATH

/** The dump of a freshly initialised PGlite data directory (made once, then read from the temp folder). */
export async function template(): Promise<Blob> {
  if (existsSync(TEMPLATE)) return new Blob([readFileSync(TEMPLATE)])
  const blob = await pgliteTemplate()
  const partial = `${TEMPLATE}.${process.pid}.${randomBytes(4).toString('hex')}`
  writeFileSync(partial, Buffer.from(await blob.arrayBuffer()))
  renameSync(partial, TEMPLATE)
  return blob
}

export interface TestDatabase {
  db: Database
  kind: 'pglite' | 'postgres'
  /** the connection URL of a real server's database (for a second instance), else undefined */
  url?: string
  drop(): Promise<void>
}

export async function createTestDatabase(
  kind: 'pglite' | 'postgres' = TEST_DATABASE_URL ? 'postgres' : 'pglite',
  /** the PostgreSQL server to create it on (a role that may CREATE DATABASE) */
  serverUrl: string = TEST_DATABASE_URL,
): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const db = await openPglite({ template: await template() })
    await migrate(db)
    return { db, kind, drop: () => db.close() }
  }
  if (!serverUrl) throw new Error('WEAUTH_TEST_DATABASE_URL is not set')
  const name = `weauth_test_${randomBytes(6).toString('hex')}`
  const admin = new Client({ connectionString: serverUrl })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  const db = await openPostgres(url.toString())
  await migrate(db)
  return {
    db,
    kind,
    url: url.toString(),
    async drop() {
      await db.close()
      const again = new Client({ connectionString: serverUrl })
      await again.connect()
      await again.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await again.end()
    },
  }
}

/** The database kinds this run covers: PGlite always, real PostgreSQL too when its URL is set. */
export const DATABASE_KINDS: Array<'pglite' | 'postgres'> = TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite']
