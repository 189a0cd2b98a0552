import type { DB } from 'wx-server-sdk'
import { isDuplicateKey } from './users'

/**
 * Account ids that were deleted. A login that read the caller's identity just before a deletion removed it still
 * holds the old account id; without this list it would create a fresh record under that id after the deletion,
 * and the deleted account would seem to come back. Only the random account id and the time are kept: no openid,
 * unionid or profile (docs/privacy.md).
 */
export const DELETED_ACCOUNTS = 'deletedAccounts'

/** Written by the deletion before the account's identities and record go; a repeat is a no-op. */
export async function markDeleted(db: DB.Database, userId: string): Promise<void> {
  try {
    await db.collection(DELETED_ACCOUNTS).add({ data: { _id: userId, deletedAt: db.serverDate() } })
  } catch (e) {
    if (!isDuplicateKey(e)) throw e
  }
}

export async function wasDeleted(db: DB.Database, userId: string): Promise<boolean> {
  const { data } = (await db.collection(DELETED_ACCOUNTS).where({ _id: userId }).limit(1).get()) as DB.IQueryResult
  return data.length > 0
}
