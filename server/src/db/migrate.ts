import type { Database } from './database'
import { MIGRATIONS, type Migration } from './migrations'

/**
 * Applies the migrations not yet recorded, all in one transaction (all or nothing), under an advisory lock so instances
 * starting together do not race. A small runner rather than a migration tool: the tools we looked at
 * (node-pg-migrate, Knex, Umzug + pg) drive `pg` only and not PGlite, and what is needed here is forty
 * lines: ordered SQL, a record of what ran, one lock.
 */
const LOCK_ID = 0x7765_6175 // "weau"

export async function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_ID])
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`)
    const done = new Set(
      (await tx.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version),
    )
    const applied: number[] = []
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(migration.version)) continue
      for (const statement of splitStatements(migration.sql)) await tx.query(statement)
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ])
      applied.push(migration.version)
    }
    return applied
  })
}

/**
 * Statements of a migration, split at semicolons; a dollar-quoted body ($$ … $$, a function's) is kept whole with
 * its own semicolons. Comments dropped.
 */
export function splitStatements(sql: string): string[] {
  const statements: string[] = []
  let current = ''
  sql
    .replace(/--[^\n]*/g, '')
    .split('$$')
    .forEach((segment, i) => {
      if (i % 2 === 1) {
        current += `$$${segment}$$`
        return
      }
      const [first, ...rest] = segment.split(';')
      current += first
      for (const piece of rest) {
        statements.push(current)
        current = piece
      }
    })
  statements.push(current)
  return statements.map((s) => s.trim()).filter(Boolean)
}
