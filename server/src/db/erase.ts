import type { EraseCompaction } from '../config'
import type { Database, Queryable } from './database'

/**
 * Deleting an account for real, and making sure the deleted bytes leave the data files.
 *
 * eraseAccount: one transaction: the user row (its identities, sessions, refresh tokens and avatars go with it,
 * ON DELETE CASCADE, so every token of the account stops at once) and the session_key of each of its openids.
 *
 * compactAfterErase: PostgreSQL's DELETE only marks rows dead; their bytes stay in the table's and indexes'
 * pages until overwritten, and in the WAL. A plain VACUUM frees the space but does not wipe it (a dead row at
 * the low end of a page survives compaction byte for byte: tests/server/erase-bytes.test.ts shows it), so:
 *  - `full` (PGlite's default): VACUUM FULL rewrites the affected tables and their indexes into new files (the
 *    old ones are unlinked), then pg_switch_wal() + CHECKPOINT twice move the redo point past every WAL
 *    segment that held the rows, so the segments are removed or recycled (recycled ones are overwritten
 *    before reuse). VACUUM FULL locks the tables while it runs: fine for one process on PGlite.
 *  - `vacuum` (PostgreSQL's default): a plain VACUUM, which takes no lock that stops logins. Until the pages are
 *    reused the bytes may remain in free space, and WAL keeps them until its segments are recycled; WAL
 *    archives and base backups keep them for their retention. Run `VACUUM FULL` on these tables in a
 *    maintenance window, and keep backup retention within the privacy policy (docs/classic-backend.md).
 */
export const ACCOUNT_TABLES = ['users', 'identities', 'sessions', 'refresh_tokens', 'avatars', 'wechat_sessions']

export interface Erased {
  nickName: string
  phoneNumber: string | null
  /** ids of the avatars removed */
  avatarIds: string[]
  /** login sessions that were still open */
  sessions: number
  /** mini programs the account had an identity in */
  identities: number
}

export async function eraseAccount(db: Database, userId: string, now: Date): Promise<Erased | null> {
  return db.transaction((tx) => eraseAccountIn(tx, userId, now))
}

/** eraseAccount's statements inside a caller's transaction (an unlink of the last identity is a deletion). */
export async function eraseAccountIn(tx: Queryable, userId: string, now: Date): Promise<Erased | null> {
  const found = await tx.query<{ nick_name: string; phone_number: string | null; openid: string }>(
    'SELECT nick_name, phone_number, openid FROM users WHERE id = $1 FOR UPDATE',
    [userId],
  )
  if (!found.rows[0]) return null
  const avatars = await tx.query<{ id: string }>('SELECT id FROM avatars WHERE user_id = $1', [userId])
  const sessions = await tx.query<{ n: string }>(
    'SELECT count(*) AS n FROM sessions WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2',
    [userId, now],
  )
  const identities = await tx.query<{ openid: string }>('SELECT openid FROM identities WHERE user_id = $1', [userId])
  const openids = [...new Set([found.rows[0].openid, ...identities.rows.map((r) => r.openid)])]
  await tx.query('DELETE FROM wechat_sessions WHERE openid = ANY($1::text[])', [openids])
  await tx.query('DELETE FROM users WHERE id = $1', [userId])
  return {
    nickName: found.rows[0].nick_name,
    phoneNumber: found.rows[0].phone_number,
    avatarIds: avatars.rows.map((r) => r.id),
    sessions: Number(sessions.rows[0].n),
    identities: identities.rows.length,
  }
}

export async function compactAfterErase(db: Database, mode: EraseCompaction): Promise<void> {
  const effective = mode === 'auto' ? (db.kind === 'pglite' ? 'full' : 'vacuum') : mode
  if (effective === 'off') return
  const tables = ACCOUNT_TABLES.join(', ')
  if (effective === 'vacuum') {
    await db.query(`VACUUM ${tables}`)
    return
  }
  await db.query(`VACUUM (FULL) ${tables}`)
  if (db.kind !== 'pglite') return // pg_switch_wal needs a superuser on a shared server: say so in the docs
  for (let round = 0; round < 3; round++) {
    await db.query('SELECT pg_switch_wal()')
    await db.query('CHECKPOINT')
  }
}

/**
 * Clears what WeChat says the user revoked (user_authorization_revoke / user_info_modified): nickname and
 * avatar (the stored avatar images too), and/or the phone number; one transaction. Idempotent: a redelivered
 * push finds the fields already empty. Answers the fields cleared and the avatars removed.
 */
export async function clearRevoked(
  db: Database,
  userId: string,
  what: { profile: boolean; phone: boolean },
): Promise<{ cleared: string[]; avatarIds: string[] }> {
  return db.transaction(async (tx) => {
    const cleared: string[] = []
    let avatarIds: string[] = []
    if (what.profile) {
      await tx.query("UPDATE users SET nick_name = '', avatar_url = '' WHERE id = $1", [userId])
      const { rows } = await tx.query<{ id: string }>('DELETE FROM avatars WHERE user_id = $1 RETURNING id', [userId])
      avatarIds = rows.map((r) => r.id)
      cleared.push('nickName', 'avatar')
    }
    if (what.phone) {
      await tx.query('UPDATE users SET phone_number = NULL, country_code = NULL WHERE id = $1', [userId])
      cleared.push('phoneNumber')
    }
    return { cleared, avatarIds }
  })
}

/** The account an identity (a mini program's openid) belongs to. */
export async function accountOfIdentity(db: Database, appid: string, openid: string): Promise<string | null> {
  const { rows } = await db.query<{ user_id: string }>(
    'SELECT user_id FROM identities WHERE appid = $1 AND openid = $2',
    [appid, openid],
  )
  return rows[0]?.user_id ?? null
}
