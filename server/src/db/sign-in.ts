import { newId, toUser, type LoginOutcome } from './store'
import type { Database, Queryable } from './database'

/**
 * Sign-in by a mini program's identity (appid + openid), for one account per person across the organisation's
 * mini programs:
 * - an identity seen before signs in to its account;
 * - a new identity with a unionid joins the account that unionid already has (another mini program of the
 *   same Open Platform account signed this person in before);
 * - otherwise a new account is created with this identity.
 * All of it is one call of the PL/pgSQL function weauth_sign_in (migration 4), one round trip whatever the case;
 * the unique keys settle concurrent first logins, from one app or several: identities (appid, openid) and
 * users.unionid. A phone number (one-tap phone login) is written by the same call that signs in or creates the
 * account: the account never exists without the number the user just gave.
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

/** One round trip: the function of migration 4 (db/migrations.ts) signs in, or creates, and opens the session. */
const SIGN_IN = 'SELECT * FROM weauth_sign_in($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)'

export async function signInIdentity(db: Queryable, input: SignInInput): Promise<LoginOutcome> {
  const sessionId = newId()
  const { rows } = await db.query(
    SIGN_IN,
    [
      input.appid,
      input.openid,
      input.unionid ?? null,
      input.sessionKey,
      input.consentVersion ?? null,
      input.phone?.phoneNumber ?? null,
      input.phone?.countryCode ?? null,
      input.now,
      sessionId,
      input.sessionExpiresAt,
      input.refreshTokenHash,
      newId(),
    ],
    'weauth_sign_in',
  )
  const row = rows[0]
  if (!row) throw new Error('weauth_sign_in answered no row')
  const user = toUser(row)
  if (row.outcome === 'banned') return { ok: false, reason: 'banned', user }
  return { ok: true, user, isNew: row.is_new === true || row.is_new === 't', sessionId }
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
