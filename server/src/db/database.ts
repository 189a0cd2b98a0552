/**
 * The one thing the store needs of PostgreSQL: parameterised queries and transactions. Two drivers give it:
 * `pg` against a real server (db/pg.ts) and PGlite, PostgreSQL compiled to WebAssembly and run in process
 * (db/pglite.ts), so tests and the playground need no server. Both run the same SQL and migrations.
 */
export interface Queryable {
  /**
   * `name` makes it a prepared statement on PostgreSQL (parsed and planned once per connection, then only bound
   * and run): for the statements of every request. PGlite runs it as any other.
   */
  query<Row = Record<string, unknown>>(
    text: string,
    params?: unknown[],
    name?: string,
  ): Promise<{ rows: Row[]; rowCount: number }>
}

export interface Database extends Queryable {
  readonly kind: 'postgres' | 'pglite'
  /** runs `work` in one transaction: committed when it resolves, rolled back when it throws */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>
  close(): Promise<void>
}

/** PostgreSQL's SQLSTATE for a unique violation and for a read-only transaction. */
export const UNIQUE_VIOLATION = '23505'
export const READ_ONLY_SQL_TRANSACTION = '25006'

export const sqlState = (e: unknown): string | undefined => (e as { code?: string })?.code
