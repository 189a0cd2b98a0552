import type { DB } from 'wx-server-sdk'
import { deleteFiles } from './cloud'
import { filesOf, updatedCount, USERS, type UserRecord } from './users'
import { IDENTITIES, MERGES } from './accounts'
import { markDeleted } from './deleted-accounts'
import { fail, type Fail } from '../contract/result'
import { NOTICES } from '../contract/messages'

import { deletionReceipt, type DeletionReceipt } from '../contract/deletion-receipt'

/** What an account deletion removed, for the receipt the user keeps on screen (the same shape on the own server). */
export type Receipt = DeletionReceipt

export type EraseOutcome = { receipt: Receipt } | { notDurable: EraseStep }

/** Where a deletion stopped: before the freeze landed nothing changed; from `files` on, part of it is removed. */
export type EraseStep = 'freeze' | 'reread' | 'freeze-raced' | 'files' | 'identities' | 'record'

/**
 * What the person is told when a deletion did not become durable: the table's DELETE_NOT_DURABLE ("保持原样")
 * while nothing has changed, the same code with DELETE_UNFINISHED's words once the account is frozen and part of it
 * is gone (the retry, or the next login, removes the rest).
 */
export function notDurableReply(step: EraseStep): Fail {
  const untouched = step === 'freeze' || step === 'reread' || step === 'freeze-raced'
  return untouched ? fail('DELETE_NOT_DURABLE') : fail('DELETE_NOT_DURABLE', NOTICES.DELETE_UNFINISHED)
}

/**
 * Deletes a user's account, failing closed:
 * 1. freeze: status `deleting` (conditional on the status read). If this write does not land, nothing has
 *    changed and the caller says so. From here on every other write is a no-op (they require `active`),
 *    so a racing updateProfile/bindPhone/login cannot add a file or a number, nor answer `ok`;
 * 2. re-read the frozen record (a write that landed before the freeze may have changed the avatar) and delete
 *    every file it knows of; a file already gone counts as deleted;
 * 3. remove the record, checking `stats.removed`.
 * A failure at 2 or 3 leaves the record frozen (invisible to sign-in, still listing its files), so a retry
 * finishes the job; the user is told it is not complete.
 */
export async function eraseUser(db: DB.Database, user: UserRecord): Promise<EraseOutcome> {
  const users = db.collection(USERS)
  if (user.status !== 'deleting') {
    let frozen = 0
    try {
      frozen = updatedCount(
        await users
          .where({ _id: user._id, status: user.status })
          .update({ data: { status: 'deleting', updatedAt: db.serverDate() } }),
      )
    } catch (e) {
      console.error('deletion: freeze not durable', e)
      return { notDurable: 'freeze' }
    }
    // 0: a concurrent deletion froze it first; the re-read below decides
    if (frozen !== 1) console.warn('deletion: record already frozen or changed')
  }
  let current: UserRecord | undefined
  try {
    const { data } = (await users.where({ _id: user._id }).limit(1).get()) as DB.IQueryResult
    current = data[0] as UserRecord | undefined
  } catch (e) {
    console.error('deletion: re-read failed', e)
    return { notDurable: 'reread' }
  }
  if (!current) return { receipt: receipt(0, []) }
  if (current.status !== 'deleting') return { notDurable: 'freeze-raced' }
  const files = filesOf(current)
  if (files.length) {
    try {
      const { fileList } = await deleteFiles(files)
      const failed = fileList.filter((f) => f.status !== 0 && !/not exist|NONEXIST/i.test(f.errMsg ?? ''))
      if (failed.length) {
        console.error('deletion: files not deleted', failed)
        return { notDurable: 'files' }
      }
    } catch (e) {
      console.error('deletion: files not deleted', e)
      return { notDurable: 'files' }
    }
  }
  // every mini program's identity of the account (and its merge records) goes before the record: if this fails,
  // the frozen record still exists and the next attempt finishes the deletion. The id is listed as deleted first,
  // so a login racing this one can never recreate the account under it (deleted-accounts.ts).
  try {
    await markDeleted(db, user._id)
    await db.collection(IDENTITIES).where({ userId: user._id }).remove()
    await db.collection(MERGES).where({ into: user._id }).remove()
  } catch (e) {
    console.error('deletion: identities not removed', e)
    return { notDurable: 'identities' }
  }
  let removed = 0
  try {
    const res = (await users.doc(user._id).remove()) as { stats?: { removed?: number } }
    removed = Number(res.stats?.removed ?? 0)
  } catch (e) {
    console.error('deletion: record removal not durable', e)
    return { notDurable: 'record' }
  }
  return { receipt: receipt(removed, files, current) }
}

function receipt(users: number, files: string[], user?: UserRecord): Receipt {
  return deletionReceipt({ users, files, nickName: user?.nickName, phoneNumber: user?.phoneNumber })
}

/** Clears fields of a user after WeChat revoked them (user_authorization_revoke), deleting the avatar files. */
export async function clearRevoked(
  db: DB.Database,
  user: UserRecord,
  what: { profile: boolean; phone: boolean },
): Promise<{ cleared: string[]; files: string[] } | { notDurable: string }> {
  const data: Record<string, unknown> = { updatedAt: db.serverDate() }
  const cleared: string[] = []
  const files = what.profile ? filesOf(user) : []
  if (what.profile) {
    Object.assign(data, { nickName: '', avatarFileId: '', staleFiles: [] })
    cleared.push('nickName', 'avatarFileId')
  }
  if (what.phone) {
    Object.assign(data, { phoneNumber: null, countryCode: null })
    cleared.push('phoneNumber')
  }
  // files first: if they cannot go, the record still lists them and a redelivered push retries
  if (files.length) {
    const { fileList } = await deleteFiles(files)
    const failed = fileList.filter((f) => f.status !== 0 && !/not exist|NONEXIST/i.test(f.errMsg ?? ''))
    if (failed.length) return { notDurable: 'files' }
  }
  await db.collection(USERS).where({ _id: user._id }).update({ data })
  return { cleared, files }
}
