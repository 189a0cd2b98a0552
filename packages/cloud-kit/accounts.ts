import type { DB } from 'wx-server-sdk'
import { isDuplicateKey, USERS, type UserRecord } from './users'
import { wasDeleted } from './deleted-accounts'

/**
 * One account per person per organisation. The `users` record is the account; the ways into it live in the
 * `identities` collection, one document per key, the key being the document's `_id`:
 *   `openid:<appid>:<openid>` - a mini program's openid of the person (kind 'openid'; listed as the account's
 *                               identities), and
 *   `unionid:<unionid>`       - the person's unionid on the organisation's Open Platform account (kind 'unionid').
 * A collection of its own rather than an `identities` array on the record, because `_id` is unique in every
 * collection, so "this openid / this unionid belongs to exactly one account" holds under any race without a
 * unique index over array elements (which the cloud database does not promise). Claims are written before the
 * account record, with the account id chosen up front, so a crash between the two leaves a claim the next login
 * completes. Without a unionid (an app bound to no Open Platform account) each openid is its own account.
 * https://developers.weixin.qq.com/miniprogram/dev/framework/open-ability/union-id.html
 */
export const IDENTITIES = 'identities'
export const MERGES = 'accountMerges'

export interface IdentityRecord {
  _id: string
  kind: 'openid' | 'unionid'
  userId: string
  appid?: string
  openid?: string
  linkedAt: Date
}

/** Who is calling, from the WeChat context: the app's own user, or through resource sharing the FROM_* ids. */
export interface Caller {
  appid: string
  openid: string
  unionid: string | null
  /** the call came from another mini program the environment is shared with (跨账号调用) */
  viaSharing: boolean
}

/**
 * The caller of a cloud function. On a cross-account call (资源复用) the caller is FROM_APPID/FROM_OPENID/FROM_UNIONID,
 * never the owner's ids (https://developers.weixin.qq.com/miniprogram/dev/wxcloud/guide/resource-sharing/guidance.html).
 */
export function callerOf(context: Record<string, unknown>): Caller | undefined {
  const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined)
  const fromOpenid = str(context.FROM_OPENID)
  if (fromOpenid) {
    const appid = str(context.FROM_APPID)
    if (!appid) return undefined
    return { appid, openid: fromOpenid, unionid: str(context.FROM_UNIONID) ?? null, viaSharing: true }
  }
  const openid = str(context.OPENID)
  if (!openid) return undefined
  return { appid: str(context.APPID) ?? '', openid, unionid: str(context.UNIONID) ?? null, viaSharing: false }
}

export const openidKey = (appid: string, openid: string): string => `openid:${appid}:${openid}`
export const unionidKey = (unionid: string): string => `unionid:${unionid}`

const newAccountId = (): string =>
  'u' + Array.from({ length: 24 }, () => '0123456789abcdefghijklmnopqrstuv'[Math.floor(Math.random() * 32)]).join('')

export async function getDoc<T>(db: DB.Database, collection: string, id: string): Promise<T | undefined> {
  const { data } = (await db.collection(collection).where({ _id: id }).limit(1).get()) as DB.IQueryResult
  return data[0] as T | undefined
}

/** Claims a key for an account; if someone claimed it first, the winner's account id. */
async function claim(db: DB.Database, key: string, data: Omit<IdentityRecord, '_id' | 'linkedAt'>): Promise<string> {
  try {
    await db.collection(IDENTITIES).add({ data: { _id: key, ...data, linkedAt: db.serverDate() } })
    return data.userId
  } catch (e) {
    if (!isDuplicateKey(e)) throw e
    const winner = await getDoc<IdentityRecord>(db, IDENTITIES, key)
    if (!winner) throw e
    return winner.userId
  }
}

/** The caller's account record, without creating or changing anything (for every function but login). */
export async function findAccount(db: DB.Database, caller: Caller): Promise<UserRecord | undefined> {
  const identity = await getDoc<IdentityRecord>(db, IDENTITIES, openidKey(caller.appid, caller.openid))
  if (identity) return getDoc<UserRecord>(db, USERS, identity.userId)
  return legacyRecord(db, caller.openid)
}

/**
 * A record from before identities existed, found by `_openid`. A record that has an identity already is not one:
 * its ways in are its identities alone (an app unlinked from it, unlink.ts, must not find it by its old `_openid`).
 */
async function legacyRecord(db: DB.Database, openid: string): Promise<UserRecord | undefined> {
  const { data } = (await db.collection(USERS).where({ _openid: openid }).limit(1).get()) as DB.IQueryResult
  const record = data[0] as UserRecord | undefined
  if (!record) return undefined
  const { data: linked } = (await db
    .collection(IDENTITIES)
    .where({ userId: record._id, kind: 'openid' })
    .limit(1)
    .get()) as DB.IQueryResult
  return linked.length ? undefined : record
}

/** How often a resolution that met a deleted account, or a creation a deletion overtook, starts over. */
export const RESOLVE_ATTEMPTS = 3

/**
 * Login's resolution: which account the caller signs into, linking what is new. Returns the record, or the id the
 * account must be created under (claims are in place; createAccount() with this `_id` is race-free and idempotent).
 * When the caller's unionid already leads to another account than their openid (an account made before the app was
 * bound to the Open Platform), that account is merged into the unionid's one (merge.ts).
 * Every account-creating path goes through here, so none can recreate a deleted account: claims that still name an
 * account id listed as deleted (a login that read them just before a deletion removed them, then claimed again)
 * are stale; they are removed and the resolution starts over, which leads to a fresh account.
 */
export async function resolveAccount(
  db: DB.Database,
  caller: Caller,
  merge: (from: string, into: string) => Promise<void>,
): Promise<{ user: UserRecord } | { createAs: string }> {
  for (let attempt = 0; attempt < RESOLVE_ATTEMPTS; attempt++) {
    const resolved = await resolveOnce(db, caller, merge)
    if ('user' in resolved) return resolved
    // an id this call made up and claimed first named no account then, so no deletion had listed it; one that a
    // concurrent login turns into an account and a deletion removes meanwhile is caught by createAccount()'s check
    if (resolved.fresh || !(await wasDeleted(db, resolved.createAs))) return { createAs: resolved.createAs }
    await db.collection(IDENTITIES).where({ userId: resolved.createAs }).remove()
  }
  throw new Error('account resolution kept meeting a deleted account')
}

/**
 * Writes a new account's record under the id resolveAccount() chose. `created`: this call made it; `existing`: a
 * concurrent first login of the person (from this or another mini program) made it first; `deleted`: a deletion of
 * this id finished between the resolution and the write, so the write is taken back and the caller resolves again.
 */
export async function createAccount(
  db: DB.Database,
  id: string,
  record: Record<string, unknown>,
): Promise<{ created: true } | { existing: UserRecord } | { deleted: true }> {
  const users = db.collection(USERS)
  try {
    await users.add({ data: { _id: id, ...record } })
  } catch (e) {
    if (!isDuplicateKey(e)) throw e
    const winner = await getDoc<UserRecord>(db, USERS, id)
    if (!winner) throw e
    return { existing: winner }
  }
  if (!(await wasDeleted(db, id))) return { created: true }
  await users.doc(id).remove()
  return { deleted: true }
}

async function resolveOnce(
  db: DB.Database,
  caller: Caller,
  merge: (from: string, into: string) => Promise<void>,
): Promise<{ user: UserRecord } | { createAs: string; fresh: boolean }> {
  const key = openidKey(caller.appid, caller.openid)
  const unionKey = caller.unionid ? unionidKey(caller.unionid) : undefined
  // both ways in with one read; a key found here needs no claim (a claim of it would only fail and read it)
  const known = await identitiesByKey(db, unionKey ? [key, unionKey] : [key])
  let userId = known.get(key)?.userId
  // the id this call made up for a new account, while it is the one the caller's claims lead to
  let madeUp: string | undefined
  if (!userId) {
    const legacy = await legacyRecord(db, caller.openid)
    if (legacy) userId = await claim(db, key, openidIdentity(caller, legacy._id))
  }
  if (unionKey) {
    let holder = known.get(unionKey)?.userId
    if (!holder) {
      const proposed = userId ?? newAccountId()
      holder = await claim(db, unionKey, { kind: 'unionid', userId: proposed })
      if (!userId && holder === proposed) madeUp = proposed
    }
    if (!userId) userId = await claim(db, key, openidIdentity(caller, holder))
    if (userId !== holder) {
      madeUp = undefined
      const into = await holderWithRecord(db, caller.unionid!, holder, userId)
      if (into !== userId) await merge(userId, into)
      userId = into
    }
  } else if (!userId) {
    const proposed = newAccountId()
    userId = await claim(db, key, openidIdentity(caller, proposed))
    if (userId === proposed) madeUp = proposed
  }
  // a made-up id had no record when claimed: nothing to read (should a concurrent first login of the same person
  // write it first, createAccount() finds theirs)
  if (madeUp === userId) return { createAs: userId, fresh: true }
  const user = await getDoc<UserRecord>(db, USERS, userId)
  return user ? { user } : { createAs: userId, fresh: false }
}

/** The identity documents among `keys`, by key. */
async function identitiesByKey(db: DB.Database, keys: string[]): Promise<Map<string, IdentityRecord>> {
  const query = keys.length === 1 ? { _id: keys[0] } : { _id: db.command.in(keys) }
  const { data } = (await db.collection(IDENTITIES).where(query).limit(keys.length).get()) as DB.IQueryResult
  return new Map((data as IdentityRecord[]).map((d) => [d._id, d]))
}

/**
 * The account a unionid claim leads to. A claim whose account was never written (a first login that stopped
 * after claiming) hands the unionid over to the caller's account instead of merging into nothing.
 */
async function holderWithRecord(db: DB.Database, unionid: string, holder: string, mine: string): Promise<string> {
  if (await getDoc<UserRecord>(db, USERS, holder)) return holder
  await db
    .collection(IDENTITIES)
    .where({ _id: unionidKey(unionid), userId: holder })
    .update({ data: { userId: mine } })
  const now = await getDoc<IdentityRecord>(db, IDENTITIES, unionidKey(unionid))
  return now?.userId ?? holder
}

function openidIdentity(caller: Caller, userId: string): Omit<IdentityRecord, '_id' | 'linkedAt'> {
  return { kind: 'openid', appid: caller.appid, openid: caller.openid, userId }
}

/** The mini programs an account is signed into from (no openids: the user center shows apps and dates). */
export async function identitiesOf(
  db: DB.Database,
  userId: string,
): Promise<Array<{ appid: string; openid: string; linkedAt: Date }>> {
  const { data } = (await db
    .collection(IDENTITIES)
    .where({ userId, kind: 'openid' })
    .limit(100)
    .get()) as DB.IQueryResult
  return (data as IdentityRecord[]).map((d) => ({ appid: d.appid!, openid: d.openid!, linkedAt: d.linkedAt }))
}
