import { Pool, type PoolClient } from 'pg'
import type { Database, Queryable } from './database'

/** A real PostgreSQL server through `pg`'s pool (postgres://user:pass@host:port/db). */
export async function openPostgres(url: string, options: { max?: number } = {}): Promise<Database> {
  const pool = new Pool({ connectionString: url, max: options.max ?? 10, connectionTimeoutMillis: 5000 })
  // an idle client that loses its server (restart, failover) must not crash the process
  pool.on('error', () => undefined)
  const client = await pool.connect() // fail fast on a bad URL or an unreachable server
  client.release()
  const wrap = (c: Pool | PoolClient): Queryable => ({
    async query(text, params, name) {
      const result = await c.query({ text, values: params as unknown[], ...(name ? { name } : {}) })
      return { rows: result.rows, rowCount: result.rowCount ?? 0 }
    },
  })
  return {
    kind: 'postgres',
    ...wrap(pool),
    async transaction(work) {
      const c = await pool.connect()
      try {
        await c.query('BEGIN')
        const result = await work(wrap(c))
        await c.query('COMMIT')
        return result
      } catch (e) {
        await c.query('ROLLBACK').catch(() => undefined)
        throw e
      } finally {
        c.release()
      }
    },
    close: () => pool.end(),
  }
}
