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
/** Many sign-ins, each as SIGN_IN's, in one call and one transaction; every parameter is an array of theirs. */
const SIGN_IN_BATCH = `SELECT * FROM weauth_sign_in_batch($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],
  $6::text[], $7::text[], $8::timestamptz[], $9::text[], $10::timestamptz[], $11::text[], $12::text[])`

/** A sign-in with the ids it will create: its session (always) and its account (if it is a first login). */
export interface PreparedSignIn {
  input: SignInInput
  sessionId: string
  newUserId: string
}

export const prepareSignIn = (input: SignInInput): PreparedSignIn => ({ input, sessionId: newId(), newUserId: newId() })

function parameters({ input, sessionId, newUserId }: PreparedSignIn): unknown[] {
  return [
    input.appid,
    input.openid,
    input.unionid ?? null,
    input.sessionKey,
    input.consentVersion ?? null,
    input.phone?.phoneNumber ?? null,
    input.phone?.countryCode ?? null,
    input.now.toISOString(),
    sessionId,
    input.sessionExpiresAt.toISOString(),
    input.refreshTokenHash,
    newUserId,
  ]
}

function outcomeOf(row: Record<string, unknown> | undefined, sessionId: string): LoginOutcome {
  if (!row) throw new Error('the sign-in function answered no row')
  const user = toUser(row)
  if (row.outcome === 'banned') return { ok: false, reason: 'banned', user }
  return { ok: true, user, isNew: row.is_new === true || row.is_new === 't', sessionId }
}

export async function signInPrepared(db: Queryable, prepared: PreparedSignIn): Promise<LoginOutcome> {
  const { rows } = await db.query(SIGN_IN, parameters(prepared), 'weauth_sign_in')
  return outcomeOf(rows[0], prepared.sessionId)
}

/**
 * Several sign-ins in one round trip and one transaction: all are committed, or none (then the call throws). Once
 * committed, each sign-in's outcome, or the error of reading it (never a reason to sign in again).
 */
export async function signInMany(
  db: Queryable,
  batch: readonly PreparedSignIn[],
): Promise<Array<LoginOutcome | Error>> {
  const columns: unknown[][] = Array.from({ length: 12 }, () => [])
  for (const prepared of batch) parameters(prepared).forEach((value, i) => columns[i].push(value))
  const { rows } = await db.query(SIGN_IN_BATCH, columns, 'weauth_sign_in_batch')
  const byOrd = new Map(rows.map((row) => [Number(row.ord), row]))
  return batch.map((prepared, i) => {
    try {
      return outcomeOf(byOrd.get(i + 1), prepared.sessionId)
    } catch (e) {
      return e instanceof Error ? e : new Error(String(e))
    }
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
