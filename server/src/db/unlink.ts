import type { Database } from './database'
import { eraseAccountIn, type Erased } from './erase'

/**
 * Unlinking one mini program (an identity: appid + openid) from its account, the own server's side of the cloud's
 * unlinkApp (packages/cloud-kit/unlink.ts). One transaction, the account row locked first so two apps unlinking
 * at once cannot both see "another app is left" and leave an account no mini program signs into:
 * - another identity is left: this identity goes (its consent with it: another app's consent lives on its
 *   identity row), and so do its session_key and every session it signed in with (access and refresh tokens stop);
 * - this was the last identity: the account is deleted as by DELETE /auth/me (db/erase.ts), in the same transaction.
 * The account's own app (users.openid) keeps its consent on the account row (migration 3); when that app leaves,
 * the earliest linked remaining app becomes the account's own and its consent moves onto the account, so the
 * invariant holds and a later first login of the unlinked openid can create an account (users.openid is unique).
 */
export type UnlinkResult = { unlinked: { otherApps: number } } | { erased: Erased } | { gone: true }

export async function linkedAppCount(db: Database, userId: string): Promise<number> {
  const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM identities WHERE user_id = $1', [userId])
  return Number(rows[0].n)
}

export async function unlinkIdentity(
  db: Database,
  userId: string,
  identity: { appid: string; openid: string },
  /** the app of sessions older than identities (sessions.appid NULL): the server's first mini program */
  defaultAppid: string,
  now: Date,
): Promise<UnlinkResult> {
  return db.transaction(async (tx) => {
    const account = await tx.query<{ openid: string }>(
      "SELECT openid FROM users WHERE id = $1 AND status = 'active' FOR UPDATE",
      [userId],
    )
    if (!account.rows[0]) return { gone: true }
    const others = await tx.query<{
      appid: string
      openid: string
      privacy_consent_at: Date | null
      privacy_consent_version: string | null
    }>(
      `SELECT appid, openid, privacy_consent_at, privacy_consent_version FROM identities
        WHERE user_id = $1 AND NOT (appid = $2 AND openid = $3) ORDER BY linked_at, appid`,
      [userId, identity.appid, identity.openid],
    )
    if (!others.rows.length) {
      const erased = await eraseAccountIn(tx, userId, now)
      return erased ? { erased } : { gone: true }
    }
    await tx.query('DELETE FROM identities WHERE appid = $1 AND openid = $2 AND user_id = $3', [
      identity.appid,
      identity.openid,
      userId,
    ])
    if (account.rows[0].openid === identity.openid) {
      const heir = others.rows[0]
      await tx.query(
        'UPDATE users SET openid = $2, privacy_consent_at = $3, privacy_consent_version = $4 WHERE id = $1',
        [userId, heir.openid, heir.privacy_consent_at, heir.privacy_consent_version],
      )
      await tx.query(
        'UPDATE identities SET privacy_consent_at = NULL, privacy_consent_version = NULL WHERE appid = $1 AND openid = $2',
        [heir.appid, heir.openid],
      )
    }
    // the session_key WeChat gave for this openid is this app's alone (an openid is per app)
    await tx.query(
      'DELETE FROM wechat_sessions WHERE openid = $1 AND NOT EXISTS (SELECT 1 FROM identities WHERE openid = $1)',
      [identity.openid],
    )
    await tx.query(
      `UPDATE sessions SET revoked_at = $4, revoked_reason = 'unlink'
        WHERE user_id = $1 AND revoked_at IS NULL AND COALESCE(appid, $3) = $2`,
      [userId, identity.appid, defaultAppid, now],
    )
    return { unlinked: { otherApps: others.rows.length } }
  })
}
