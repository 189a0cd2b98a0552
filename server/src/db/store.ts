import { randomText } from '../tokens/random-text'
import type { Database, Queryable } from './database'
import type { SignInInput } from './sign-in'
import { SignInBatcher } from './sign-in-batcher'
import { eraseAccount } from './erase'

/**
 * Everything the server keeps, in PostgreSQL (or PGlite): users (one per openid), login sessions and their
 * rotating refresh tokens, each user's latest session_key, avatars, rate-limit counters and WeChat's access
 * token. Nothing lives in the instance, so any number of instances can serve behind one load balancer.
 * Every write is one statement or one transaction: it is durable when the promise resolves, and a failure
 * changes nothing.
 */
export interface UserRecord {
  id: string
  openid: string
  unionid: string | null
  nickName: string
  avatarUrl: string
  phoneNumber: string | null
  countryCode: string | null
  createdAt: Date
  lastLoginAt: Date
  loginCount: number
  privacyConsentAt: Date | null
  privacyConsentVersion: string | null
  status: 'active' | 'banned'
}

export interface SessionView {
  user: UserRecord
  /** the mini program and openid the session signed in with (null for sessions older than migration 2) */
  appid: string | null
  openid: string | null
  revokedAt: Date | null
  expiresAt: Date
}

export type LoginOutcome =
  | { ok: true; user: UserRecord; isNew: boolean; sessionId: string }
  | { ok: false; reason: 'banned'; user: UserRecord }

export type RefreshOutcome =
  | { ok: true; user: UserRecord; sessionId: string; expiresAt: Date; appid: string | null }
  | { ok: false; reason: 'unknown' | 'expired' | 'revoked' | 'reused' | 'banned' }

export interface Avatar {
  contentType: string
  bytes: Buffer
}

/** Hits of one rate-limit key for the shared counters (http/shared-counters.ts). */
export interface CounterBatchEntry {
  key: string
  /** hits since the last sync (0: only re-read the shared count) */
  hits: number
  /** when the sending instance's window for the key ends, ms since epoch (a new shared row takes it) */
  resetAt: number
}

export interface SharedCount {
  key: string
  /** every instance's hits in the shared window */
  count: number
  resetAt: number
}

export const newId = () => randomText(12, 'hex')

type Row = Record<string, unknown>

const date = (v: unknown): Date => (v instanceof Date ? v : new Date(String(v)))
const dateOrNull = (v: unknown): Date | null => (v === null || v === undefined ? null : date(v))

export function toUser(r: Row): UserRecord {
  return {
    id: String(r.id),
    openid: String(r.openid),
    unionid: (r.unionid as string | null) ?? null,
    nickName: String(r.nick_name ?? ''),
    avatarUrl: String(r.avatar_url ?? ''),
    phoneNumber: (r.phone_number as string | null) ?? null,
    countryCode: (r.country_code as string | null) ?? null,
    createdAt: date(r.created_at),
    lastLoginAt: date(r.last_login_at),
    loginCount: Number(r.login_count),
    // the consent of the mini program the row was read for (identities), else the account's own columns
    ...(r.app_consent_known === true || r.app_consent_known === 't'
      ? {
          privacyConsentAt: dateOrNull(r.app_consent_at),
          privacyConsentVersion: (r.app_consent_version as string | null) ?? null,
        }
      : {
          privacyConsentAt: dateOrNull(r.privacy_consent_at),
          privacyConsentVersion: (r.privacy_consent_version as string | null) ?? null,
        }),
    status: r.status === 'banned' ? 'banned' : 'active',
  }
}

const USER_COLUMNS: Record<string, string> = {
  nickName: 'nick_name',
  avatarUrl: 'avatar_url',
  phoneNumber: 'phone_number',
  countryCode: 'country_code',
  status: 'status',
  privacyConsentAt: 'privacy_consent_at',
  privacyConsentVersion: 'privacy_consent_version',
}

export type UserChanges = Partial<
  Pick<
    UserRecord,
    'nickName' | 'avatarUrl' | 'phoneNumber' | 'countryCode' | 'status' | 'privacyConsentAt' | 'privacyConsentVersion'
  >
>

function setClause(changes: UserChanges, firstParam: number): { sql: string; values: unknown[] } {
  const entries = Object.entries(changes).filter(([, v]) => v !== undefined)
  if (entries.length === 0) throw new Error('no changes')
  return {
    sql: entries.map(([k], i) => `${USER_COLUMNS[k]} = $${firstParam + i}`).join(', '),
    values: entries.map(([, v]) => v),
  }
}

export class AuthStore {
  /** concurrent logins share round trips and commits (db/sign-in-batcher.ts) */
  private readonly signIns: SignInBatcher

  constructor(
    readonly db: Database,
    /** the mini program a login names no other app for (config.appid) */
    readonly defaultAppid = '',
  ) {
    // PGlite is one connection: one statement at a time. PostgreSQL: one too while statements come back quickly
    // (each lane sends logins alone that would have shared a batch, and a lone sign-in costs PostgreSQL about twice
    // the CPU of one in a batch: with 4 lanes one login in five went alone), and a second beside one that is out
    // for more than 25 ms (a statement of 32 sign-ins takes a few ms), which waits on a row lock (the same
    // person signing in on another instance) or a slow commit
    this.signIns = new SignInBatcher(
      db,
      db.kind === 'pglite'
        ? { maxInFlight: 1, maxBatch: 32, stallMs: 0 }
        : { maxInFlight: 2, maxBatch: 32, stallMs: 25 },
    )
  }

  /**
   * Signs a mini program's user in (db/sign-in.ts): their account found by this app's identity, else by unionid,
   * else created; the newest session_key kept; a login session and its first refresh token opened. A banned
   * user gets neither a session nor a token. `appid` defaults to the account's first mini program.
   */
  async login(input: Omit<SignInInput, 'appid'> & { appid?: string }): Promise<LoginOutcome> {
    return this.signIns.signIn({ ...input, appid: input.appid ?? this.defaultAppid })
  }

  async userById(id: string): Promise<UserRecord | null> {
    const { rows } = await this.db.query('SELECT * FROM users WHERE id = $1', [id])
    return rows[0] ? toUser(rows[0]) : null
  }

  async userByOpenid(openid: string): Promise<UserRecord | null> {
    const { rows } = await this.db.query(
      'SELECT * FROM users WHERE openid = $1 OR id IN (SELECT user_id FROM identities WHERE openid = $1) LIMIT 1',
      [openid],
    )
    return rows[0] ? toUser(rows[0]) : null
  }

  async countUsers(): Promise<number> {
    const { rows } = await this.db.query<{ n: string }>('SELECT count(*) AS n FROM users')
    return Number(rows[0].n)
  }

  /** The session an access token names, with its user: one query per authenticated request. */
  async session(sessionId: string): Promise<SessionView | null> {
    const { rows } = await this.db.query(
      `SELECT u.*, s.revoked_at AS s_revoked_at, s.expires_at AS s_expires_at, s.appid AS s_appid, s.openid AS s_openid,
              i.privacy_consent_at AS app_consent_at, i.privacy_consent_version AS app_consent_version,
              (i.appid IS NOT NULL AND i.openid <> u.openid) AS app_consent_known
         FROM sessions s JOIN users u ON u.id = s.user_id
         LEFT JOIN identities i
           ON i.appid = COALESCE(s.appid, $2) AND i.openid = COALESCE(s.openid, u.openid) AND i.user_id = u.id
        WHERE s.id = $1`,
      [sessionId, this.defaultAppid],
    )
    if (!rows[0]) return null
    return {
      user: toUser(rows[0]),
      appid: (rows[0].s_appid as string | null) ?? null,
      openid: (rows[0].s_openid as string | null) ?? null,
      revokedAt: dateOrNull(rows[0].s_revoked_at),
      expiresAt: date(rows[0].s_expires_at),
    }
  }

  async updateUser(id: string, changes: UserChanges): Promise<UserRecord | null> {
    const set = setClause(changes, 2)
    const { rows } = await this.db.query(`UPDATE users SET ${set.sql} WHERE id = $1 RETURNING *`, [id, ...set.values])
    return rows[0] ? toUser(rows[0]) : null
  }

  /**
   * Nickname and/or a new avatar in one transaction; the avatar replaces the user's previous one. null when the
   * user is gone (deleted meanwhile): then nothing is stored, the new avatar neither.
   */
  async saveProfile(
    id: string,
    changes: { nickName?: string; avatarUrl?: string },
    avatar?: { id: string; contentType: string; bytes: Buffer; now: Date },
  ): Promise<UserRecord | null> {
    return this.db.transaction(async (tx) => {
      const set = setClause(changes, 2)
      const { rows } = await tx.query(`UPDATE users SET ${set.sql} WHERE id = $1 AND status = 'active' RETURNING *`, [
        id,
        ...set.values,
      ])
      if (!rows[0]) return null
      if (avatar) {
        await tx.query('DELETE FROM avatars WHERE user_id = $1', [id])
        await tx.query(
          'INSERT INTO avatars (id, user_id, content_type, bytes, created_at) VALUES ($1, $2, $3, $4, $5)',
          [avatar.id, id, avatar.contentType, avatar.bytes, avatar.now],
        )
      }
      return toUser(rows[0])
    })
  }

  /**
   * Records (a version) or clears (null) the consent of one mini program's user: on that app's identity, or for a
   * session older than identities, on the account. Answers the user as that app sees them; null when gone.
   */
  async setConsent(
    userId: string,
    identity: { appid: string; openid: string },
    version: string | null,
    now: Date,
  ): Promise<UserRecord | null> {
    const at = version === null ? null : now
    return this.db.transaction(async (tx) => {
      const active = await tx.query<{ openid: string }>(
        "SELECT openid FROM users WHERE id = $1 AND status = 'active' FOR UPDATE",
        [userId],
      )
      if (!active.rows[0]) return null
      // the account's own app keeps its consent on the account (as in the cloud), every other app on its identity
      const onIdentity =
        active.rows[0].openid === identity.openid
          ? { rowCount: 0 }
          : await tx.query(
              `UPDATE identities SET privacy_consent_at = $4, privacy_consent_version = $5
                WHERE appid = $1 AND openid = $2 AND user_id = $3`,
              [identity.appid, identity.openid, userId, at, version],
            )
      if (onIdentity.rowCount === 0)
        await tx.query('UPDATE users SET privacy_consent_at = $2, privacy_consent_version = $3 WHERE id = $1', [
          userId,
          at,
          version,
        ])
      const { rows } = await tx.query('SELECT * FROM users WHERE id = $1', [userId])
      return { ...toUser(rows[0]), privacyConsentAt: at, privacyConsentVersion: version }
    })
  }

  async avatar(id: string): Promise<Avatar | null> {
    const { rows } = await this.db.query('SELECT content_type, bytes FROM avatars WHERE id = $1', [id])
    if (!rows[0]) return null
    return { contentType: String(rows[0].content_type), bytes: Buffer.from(rows[0].bytes as Uint8Array) }
  }

  /** Deletes the account for real, in one transaction (db/erase.ts). Returns false when there was no such user. */
  async deleteUser(id: string, now = new Date()): Promise<boolean> {
    return (await eraseAccount(this.db, id, now)) !== null
  }

  async revokeSession(sessionId: string, now: Date, reason = 'logout'): Promise<void> {
    await this.db.query(
      'UPDATE sessions SET revoked_at = $2, revoked_reason = $3 WHERE id = $1 AND revoked_at IS NULL',
      [sessionId, now, reason],
    )
  }

  /** Ends every session of a user (log out everywhere, ban): their access and refresh tokens stop at once. */
  async revokeAllSessions(userId: string, now: Date, reason: string, tx: Queryable = this.db): Promise<number> {
    const { rowCount } = await tx.query(
      'UPDATE sessions SET revoked_at = $2, revoked_reason = $3 WHERE user_id = $1 AND revoked_at IS NULL',
      [userId, now, reason],
    )
    return rowCount
  }

  /** Bans a user and ends all their sessions, in one transaction. */
  async banUser(userId: string, now: Date): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query("UPDATE users SET status = 'banned' WHERE id = $1", [userId])
      await this.revokeAllSessions(userId, now, 'banned', tx)
    })
  }

  /**
   * Spends a refresh token and issues its successor in the same session (rotation). A token presented a
   * second time means it was copied: the whole family (the session) is revoked, so the thief's and the
   * owner's tokens all stop, and the owner signs in again with wx.login.
   */
  async rotateRefreshToken(tokenHash: string, nextHash: string, now: Date): Promise<RefreshOutcome> {
    return this.db.transaction(async (tx) => {
      const { rows } = await tx.query(
        `SELECT rt.used_at, rt.expires_at, s.id AS session_id, s.revoked_at, s.expires_at AS session_expires_at,
                s.user_id, s.appid, s.openid
           FROM refresh_tokens rt JOIN sessions s ON s.id = rt.session_id
          WHERE rt.token_hash = $1 FOR UPDATE OF rt, s`,
        [tokenHash],
      )
      const row = rows[0]
      if (!row) return { ok: false, reason: 'unknown' } as const
      const sessionId = String(row.session_id)
      if (row.revoked_at) return { ok: false, reason: 'revoked' } as const
      if (row.used_at) {
        await tx.query("UPDATE sessions SET revoked_at = $2, revoked_reason = 'refresh-token-reuse' WHERE id = $1", [
          sessionId,
          now,
        ])
        return { ok: false, reason: 'reused' } as const
      }
      if (date(row.expires_at) <= now) return { ok: false, reason: 'expired' } as const
      const user = await tx.query(
        `SELECT u.*, i.privacy_consent_at AS app_consent_at, i.privacy_consent_version AS app_consent_version,
                (i.appid IS NOT NULL AND i.openid <> u.openid) AS app_consent_known
           FROM users u LEFT JOIN identities i
             ON i.appid = COALESCE($2, $4) AND i.openid = COALESCE($3, u.openid) AND i.user_id = u.id
          WHERE u.id = $1`,
        [row.user_id, row.appid ?? null, row.openid ?? null, this.defaultAppid],
      )
      if (!user.rows[0]) return { ok: false, reason: 'unknown' } as const
      if (user.rows[0].status === 'banned') return { ok: false, reason: 'banned' } as const
      const expiresAt = date(row.session_expires_at)
      await tx.query('UPDATE refresh_tokens SET used_at = $2 WHERE token_hash = $1', [tokenHash, now])
      await tx.query(
        'INSERT INTO refresh_tokens (token_hash, session_id, created_at, expires_at) VALUES ($1, $2, $3, $4)',
        [nextHash, sessionId, now, expiresAt],
      )
      const appid = (row.appid as string | null) ?? null
      return { ok: true, user: toUser(user.rows[0]), sessionId, expiresAt, appid } as const
    })
  }

  /** The latest session_key WeChat gave for this user: what their next open data is encrypted with. */
  async sessionKeyOf(openid: string): Promise<string | null> {
    const { rows } = await this.db.query<{ session_key: string }>(
      'SELECT session_key FROM wechat_sessions WHERE openid = $1',
      [openid],
    )
    return rows[0]?.session_key ?? null
  }

  /**
   * Adds hits to the rate-limit counters shared by every instance, many keys in one statement (http/shared-counters.ts
   * batches them), and answers each key's total and window end. A window that ended restarts with these hits.
   * Rows are written in the batch's order (sorted by key), so two instances' batches cannot deadlock.
   */
  async addHits(batch: CounterBatchEntry[], now: number): Promise<SharedCount[]> {
    // reset_at read back as epoch milliseconds: a number is cheaper to take than a timestamp to parse
    const { rows } = await this.db.query<{ key: string; count: number; reset_ms: number }>(
      `INSERT INTO rate_counters AS c (key, count, reset_at)
       SELECT * FROM unnest($1::text[], $2::integer[], $3::timestamptz[])
       ON CONFLICT (key) DO UPDATE SET
         count = CASE WHEN c.reset_at <= $4 THEN EXCLUDED.count ELSE c.count + EXCLUDED.count END,
         reset_at = CASE WHEN c.reset_at <= $4 THEN EXCLUDED.reset_at ELSE c.reset_at END
       RETURNING key, count, floor(extract(epoch FROM c.reset_at) * 1000)::float8 AS reset_ms`,
      [
        batch.map((b) => b.key),
        batch.map((b) => b.hits),
        batch.map((b) => new Date(b.resetAt).toISOString()),
        new Date(now),
      ],
      'weauth_add_hits',
    )
    return rows.map((r) => ({ key: r.key, count: Number(r.count), resetAt: Number(r.reset_ms) }))
  }

  /** Drops what can no longer be used: expired counters, sessions and refresh tokens. */
  async sweep(now: Date): Promise<void> {
    await this.db.query('DELETE FROM rate_counters WHERE reset_at <= $1', [now])
    await this.db.query('DELETE FROM sessions WHERE expires_at <= $1', [now])
  }

  /** WeChat's access token as last stored by any instance, if it is still good at `freshUntil`. */
  async wechatAccessToken(appid: string, freshUntil: Date): Promise<string | null> {
    const { rows } = await this.db.query<{ access_token: string }>(
      'SELECT access_token FROM wechat_access_tokens WHERE appid = $1 AND expires_at > $2',
      [appid, freshUntil],
    )
    return rows[0]?.access_token ?? null
  }

  /**
   * Refreshes WeChat's access token at most once across all instances: under a transaction-scoped advisory
   * lock, re-reads the shared row (another instance may just have refreshed it) and only then calls
   * `fetchFresh`. `unless` is a token the caller saw refused: a stored token other than it is used as is.
   */
  async refreshWechatAccessToken(
    appid: string,
    freshUntil: Date,
    fetchFresh: () => Promise<{ token: string; expiresAt: Date }>,
    refused?: string,
  ): Promise<string> {
    return this.db.transaction(async (tx) => {
      await tx.query("SELECT pg_advisory_xact_lock(hashtext('wechat_access_token:' || $1))", [appid])
      const { rows } = await tx.query<{ access_token: string }>(
        'SELECT access_token FROM wechat_access_tokens WHERE appid = $1 AND expires_at > $2',
        [appid, freshUntil],
      )
      const stored = rows[0]?.access_token
      if (stored && stored !== refused) return stored
      const fresh = await fetchFresh()
      await tx.query(
        `INSERT INTO wechat_access_tokens (appid, access_token, expires_at) VALUES ($1, $2, $3)
         ON CONFLICT (appid) DO UPDATE SET access_token = EXCLUDED.access_token, expires_at = EXCLUDED.expires_at`,
        [appid, fresh.token, fresh.expiresAt],
      )
      return fresh.token
    })
  }
}
