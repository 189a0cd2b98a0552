import type { DB } from 'wx-server-sdk'
import { getDoc, IDENTITIES, identitiesOf, openidKey, type Caller, type IdentityRecord } from './accounts'
import { consentUpdate } from './consents'
import { eraseUser, type EraseStep, type Receipt } from './erase'
import { updatedCount, USERS, type UserRecord } from './users'

/** How many mini programs the account is signed into from, and whether the caller's is the only one. */
export async function linkedApps(db: DB.Database, user: UserRecord): Promise<{ apps: number }> {
  return { apps: (await identitiesOf(db, user._id)).length }
}

export type UnlinkOutcome =
  | { unlinked: { accountDeleted: false; otherApps: number; at: string } }
  | { unlinked: { accountDeleted: true; receipt: Receipt } }
  /** this app's consent or identity did not go (nothing else changed) */
  | { notDurable: 'unlink' }
  /** the account deletion (the last identity's unlink) stopped at this step */
  | { deletionStopped: EraseStep }
  | { gone: true }

/**
 * Unlinks the calling mini program from the account: its consent is cleared first (so a half-done unlink never
 * leaves a stale consent that a later re-link would find), then its identity (`openid:<appid>:<openid>`) goes.
 * The account, its profile and the other mini programs' identities stay. When no other mini program's identity is
 * left (the caller's was the last one, or a concurrent unlink from the other app took the last but this), the
 * account is deleted as by deleteAccount (erase.ts): an account no mini program signs into must not linger.
 * Signing in from this app again links it again when WeChat gives the same unionid (one person, one account:
 * accounts.ts), and then asks for this app's consent again, since it was withdrawn here.
 */
export async function unlinkApp(db: DB.Database, user: UserRecord, caller: Caller): Promise<UnlinkOutcome> {
  const mine = openidKey(caller.appid, caller.openid)
  const others = (await identitiesOf(db, user._id)).filter((i) => openidKey(i.appid, i.openid) !== mine)
  if (!others.length) return deleted(db, user)
  try {
    const cleared = await db
      .collection(USERS)
      .where({ _id: user._id, status: 'active' })
      .update({ data: { ...consentUpdate(db, user, caller.appid, false), updatedAt: db.serverDate() } })
    if (updatedCount(cleared) !== 1) return { gone: true }
    await db.collection(IDENTITIES).where({ _id: mine, userId: user._id }).remove()
    const left = await getDoc<IdentityRecord>(db, IDENTITIES, mine)
    if (left?.userId === user._id) return { notDurable: 'unlink' }
  } catch (e) {
    console.error('unlink: not durable', e)
    return { notDurable: 'unlink' }
  }
  const remaining = await identitiesOf(db, user._id)
  if (!remaining.length) return deleted(db, user)
  return { unlinked: { accountDeleted: false, otherApps: remaining.length, at: new Date().toISOString() } }
}

async function deleted(db: DB.Database, user: UserRecord): Promise<UnlinkOutcome> {
  const outcome = await eraseUser(db, user)
  if ('notDurable' in outcome) return { deletionStopped: outcome.notDurable }
  return { unlinked: { accountDeleted: true, receipt: outcome.receipt } }
}
