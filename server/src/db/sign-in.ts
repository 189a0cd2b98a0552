import { newId, toUser, type LoginOutcome } from './store'
import { sqlState, UNIQUE_VIOLATION, type Database, type Queryable } from './database'

/**
 * Sign-in by a mini program's identity (appid + openid), for one account per person across the organisation's
 * mini programs:
 * - an identity seen before signs in to its account in ONE statement (the common case: no transaction);
 * - a new identity with a unionid joins the account that unionid already has (another mini program of the
 *   same Open Platform account signed this person in before);
 * - otherwise a new account is created with this identity.
 * The unique keys settle concurrent first logins, from one app or several: identities (appid, openid) and
 * users.unionid. A losing INSERT does nothing and the next statement (READ COMMITTED) finds the winner.
 * A phone number (one-tap phone login) is written by the same statement that signs in, or the same INSERT
 * that creates the account: the account never exists without the number the user just gave.
 */
export interface SignInInput {
  appid: string
  openid: string
  unionid?: string
  sessionKey: string
  /** the policy version the person just accepted by a tap; undefined = record nothing */
  consentVersion?: string
  phone?: { phoneNumber: string; countryCode: string }
  now: Date
  sessionExpiresAt: Date
  refreshTokenHash: string
}

/** The existing identity's account: update, keep the session_key, open a session and its first refresh token. */
async function signInExisting(q: Queryable, input: SignInInput, sessionId: string, unionid: string | null) {
  const { rows } = await q.query(
    `WITH i AS (
       SELECT user_id, privacy_consent_at, privacy_consent_version FROM identities WHERE appid = $1 AND openid = $2
     ), u AS (
       UPDATE users SET
         last_login_at = $4,
         login_count = users.login_count + 1,
         -- a unionid is linked only when no other account holds it (merging two accounts is not done here)
         unionid = CASE WHEN users.unionid IS NULL AND NOT EXISTS (SELECT 1 FROM users o WHERE o.unionid = $3)
                        THEN $3 ELSE users.unionid END,
         -- the account's own app keeps its consent here; another app's is on its identity (c below)
         privacy_consent_at = CASE WHEN $5::text IS NOT NULL AND users.openid = $2 THEN $4::timestamptz
                                   ELSE users.privacy_consent_at END,
         privacy_consent_version = CASE WHEN $5::text IS NOT NULL AND users.openid = $2 THEN $5
                                        ELSE users.privacy_consent_version END,
         phone_number = COALESCE($10, users.phone_number),
         country_code = CASE WHEN $10::text IS NULL THEN users.country_code ELSE $11 END
       WHERE users.id = (SELECT user_id FROM i) AND users.status = 'active'
       RETURNING *
     ), c AS (
       -- consent is this mini program's (each app has its own policy): recorded on its identity, from a tap only
       UPDATE identities SET privacy_consent_at = $4, privacy_consent_version = $5
        WHERE appid = $1 AND openid = $2 AND $5::text IS NOT NULL AND EXISTS (SELECT 1 FROM u WHERE u.openid <> $2)
     ), k AS (
       INSERT INTO wechat_sessions (openid, session_key, updated_at) SELECT $2, $6, $4 FROM u
       ON CONFLICT (openid) DO UPDATE SET session_key = EXCLUDED.session_key, updated_at = EXCLUDED.updated_at
     ), s AS (
       INSERT INTO sessions (id, user_id, appid, openid, created_at, expires_at)
       SELECT $7, u.id, $1, $2, $4, $8 FROM u RETURNING id
     ), r AS (
       INSERT INTO refresh_tokens (token_hash, session_id, created_at, expires_at) SELECT $9, s.id, $4, $8 FROM s
     )
     SELECT u.*, (u.openid <> $2) AS app_consent_known,
            CASE WHEN $5::text IS NULL THEN (SELECT privacy_consent_at FROM i) ELSE $4::timestamptz END AS app_consent_at,
            COALESCE($5, (SELECT privacy_consent_version FROM i)) AS app_consent_version
       FROM u`,
    [
      input.appid,
      input.openid,
      unionid,
      input.now,
      input.consentVersion ?? null,
      input.sessionKey,
      sessionId,
      input.sessionExpiresAt,
      input.refreshTokenHash,
      input.phone?.phoneNumber ?? null,
      input.phone?.countryCode ?? null,
    ],
  )
  return rows[0] ? toUser(rows[0]) : null
}

/**
 * A new account with its identity, session_key, session and refresh token in ONE statement, only when neither
 * the identity nor the unionid is known (checked in the statement). A concurrent first login of the same person
 * makes the users INSERT do nothing (unique openid / unionid) or the identity INSERT fail: null, and the
 * transaction path settles it.
 */
async function createFresh(db: Database, input: SignInInput, sessionId: string) {
  try {
    const { rows } = await db.query(
      `WITH nu AS (
         INSERT INTO users (id, openid, unionid, created_at, last_login_at, login_count,
                            privacy_consent_at, privacy_consent_version, phone_number, country_code)
         SELECT $1, $2, $3, $4, $4, 1, CASE WHEN $5::text IS NULL THEN NULL ELSE $4::timestamptz END, $5, $6, $7
          WHERE NOT EXISTS (SELECT 1 FROM identities WHERE appid = $8 AND openid = $2)
            AND NOT EXISTS (SELECT 1 FROM users WHERE unionid = $3)
         ON CONFLICT DO NOTHING
         RETURNING *
       ), ni AS (
         INSERT INTO identities (appid, openid, user_id, linked_at) SELECT $8, $2, nu.id, $4 FROM nu
       ), k AS (
         INSERT INTO wechat_sessions (openid, session_key, updated_at) SELECT $2, $9, $4 FROM nu
         ON CONFLICT (openid) DO UPDATE SET session_key = EXCLUDED.session_key, updated_at = EXCLUDED.updated_at
       ), s AS (
         INSERT INTO sessions (id, user_id, appid, openid, created_at, expires_at)
         SELECT $10, nu.id, $8, $2, $4, $11 FROM nu RETURNING id
       ), r AS (
         INSERT INTO refresh_tokens (token_hash, session_id, created_at, expires_at) SELECT $12, s.id, $4, $11 FROM s
       )
       SELECT * FROM nu`,
      [
        newId(),
        input.openid,
        input.unionid ?? null,
        input.now,
        input.consentVersion ?? null,
        input.phone?.phoneNumber ?? null,
        input.phone?.countryCode ?? null,
        input.appid,
        input.sessionKey,
        sessionId,
        input.sessionExpiresAt,
        input.refreshTokenHash,
      ],
    )
    return rows[0] ? toUser(rows[0]) : null
  } catch (e) {
    if (sqlState(e) === UNIQUE_VIOLATION) return null
    throw e
  }
}

/** The identity's account id, if this identity was ever linked. */
async function accountOf(q: Queryable, appid: string, openid: string): Promise<string | null> {
  const { rows } = await q.query<{ user_id: string }>(
    'SELECT user_id FROM identities WHERE appid = $1 AND openid = $2',
    [appid, openid],
  )
  return rows[0]?.user_id ?? null
}

/** Outside a transaction: a unionid linked by a concurrent login between the check and the write is skipped. */
async function signInLinked(q: Queryable, input: SignInInput, sessionId: string) {
  try {
    return await signInExisting(q, input, sessionId, input.unionid ?? null)
  } catch (e) {
    if (sqlState(e) !== UNIQUE_VIOLATION || !input.unionid) throw e
    return signInExisting(q, input, sessionId, null)
  }
}

export async function signInIdentity(db: Database, input: SignInInput): Promise<LoginOutcome> {
  const sessionId = newId()
  // the common case, one statement: an identity seen before
  const returning = await signInLinked(db, input, sessionId)
  if (returning) return { ok: true, user: returning, isNew: false, sessionId }
  // a first login of a person nobody has seen: one statement creates the account, its identity and the session
  const created = await createFresh(db, input, sessionId)
  if (created) return { ok: true, user: created, isNew: true, sessionId }
  // anything else (the unionid's account exists, a concurrent first login, a ban): settled in a transaction
  return db.transaction(async (tx) => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const linked = await accountOf(tx, input.appid, input.openid)
      if (linked) {
        const user = await signInExisting(tx, input, sessionId, input.unionid ?? null)
        if (user) return { ok: true, user, isNew: false, sessionId } as const
        const { rows } = await tx.query('SELECT * FROM users WHERE id = $1', [linked])
        if (rows[0]) return { ok: false, reason: 'banned', user: toUser(rows[0]) } as const
        continue
      }
      if (input.unionid) {
        // the person's account from another of the organisation's mini programs: this app's identity joins it
        const { rows } = await tx.query<{ id: string }>('SELECT id FROM users WHERE unionid = $1', [input.unionid])
        if (rows[0]) {
          await tx.query(
            `INSERT INTO identities (appid, openid, user_id, linked_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (appid, openid) DO NOTHING`,
            [input.appid, input.openid, rows[0].id, input.now],
          )
          continue
        }
      }
      const id = newId()
      const created = await tx.query(
        `INSERT INTO users (id, openid, unionid, created_at, last_login_at, login_count,
                            privacy_consent_at, privacy_consent_version, phone_number, country_code)
         VALUES ($1, $2, $3, $4, $4, 0, CASE WHEN $5::text IS NULL THEN NULL ELSE $4::timestamptz END, $5, $6, $7)
         ON CONFLICT DO NOTHING RETURNING id`,
        [
          id,
          input.openid,
          input.unionid ?? null,
          input.now,
          input.consentVersion ?? null,
          input.phone?.phoneNumber ?? null,
          input.phone?.countryCode ?? null,
        ],
      )
      // nothing inserted: a concurrent first login of this person won; the next round finds its account
      if (created.rowCount === 0) continue
      await tx.query('INSERT INTO identities (appid, openid, user_id, linked_at) VALUES ($1, $2, $3, $4)', [
        input.appid,
        input.openid,
        id,
        input.now,
      ])
      const user = await signInExisting(tx, input, sessionId, input.unionid ?? null)
      if (!user) throw new Error('the account just created could not sign in')
      return { ok: true, user, isNew: true, sessionId } as const
    }
    throw new Error('sign-in did not settle after concurrent first logins')
  })
}

/**
 * Accounts created before identities existed (migration 2) get their identity in the first mini program:
 * run at every start, a no-op once done.
 */
export async function adoptLegacyAccounts(db: Database, appid: string): Promise<number> {
  const { rowCount } = await db.query(
    `INSERT INTO identities (appid, openid, user_id, linked_at)
     SELECT $1, u.openid, u.id, u.created_at FROM users u
      WHERE NOT EXISTS (SELECT 1 FROM identities i WHERE i.user_id = u.id)
     ON CONFLICT DO NOTHING`,
    [appid],
  )
  return rowCount
}
