import type { FastifyBaseLogger } from 'fastify'
import { deletionReceipt, type DeletionReceipt } from '../../../packages/contract/deletion-receipt'
import { compactAfterErase, eraseAccount, type Erased } from '../db/erase'
import type { AppContext } from './context'

/**
 * Deletes an account (DELETE /auth/me, or WeChat's user_authorization_cancellation push) and answers the receipt
 * in the cloud's shape (packages/contract/deletion-receipt.ts). The deletion is durable when the transaction
 * commits; the compaction that wipes the bytes from the data files (db/erase.ts) follows before the reply, and
 * if it fails the deletion still stands (it is logged; the next deletion's compaction covers it too).
 */
export async function eraseWithReceipt(
  ctx: AppContext,
  log: FastifyBaseLogger,
  userId: string,
): Promise<DeletionReceipt> {
  const now = new Date(ctx.now())
  return receiptOf(ctx, log, userId, await eraseAccount(ctx.store.db, userId, now), now)
}

/** After a committed deletion (here, or an unlink's transaction): the compaction, the log line and the receipt. */
export async function receiptOf(
  ctx: AppContext,
  log: FastifyBaseLogger,
  userId: string,
  erased: Erased | null,
  now: Date,
): Promise<DeletionReceipt> {
  if (erased) {
    try {
      await compactAfterErase(ctx.store.db, ctx.config.eraseCompaction)
    } catch (e) {
      log.error({ event: 'erase.compaction-failed', err: e })
    }
  }
  log.info({ event: 'account.deleted', userId, found: !!erased })
  return deletionReceipt({
    users: erased ? 1 : 0,
    files: (erased?.avatarIds ?? []).map((id) => `${ctx.config.publicUrl}/avatars/${id}`),
    nickName: erased?.nickName,
    phoneNumber: erased?.phoneNumber,
    sessions: erased?.sessions,
    at: now,
  })
}
