import { cloud } from '../../../packages/cloud-kit/cloud'
import { callerOf } from '../../../packages/cloud-kit/accounts'
import * as v from 'valibot'
import { currentUser } from '../../../packages/cloud-kit/current-user'
import { eraseUser, notDurableReply, type Receipt } from '../../../packages/cloud-kit/erase'
import { fail, ok, type Result } from '../../../packages/contract/result'
import { parseEvent } from '../../../packages/cloud-kit/validate'

const Event = v.object({ confirm: v.literal(true, '注销需要确认') })

/**
 * Deletes the caller's account after the deletion-notice page's explicit confirmation: the record, every file
 * it lists, and (cloud mode has no server sessions: WeChat attaches the identity) nothing else to revoke.
 * Fails closed with DELETE_NOT_DURABLE when a step does not land (packages/cloud-kit/erase.ts); a retry of a
 * half-finished deletion resumes it.
 */
export async function main(event: unknown): Promise<Result<{ deleted: Receipt }>> {
  const parsed = parseEvent(Event, event)
  if ('error' in parsed) return parsed.error
  const caller = callerOf(cloud.getWXContext())
  const db = cloud.database()
  try {
    const found = await currentUser(db, caller, { allowDeleting: true })
    if ('error' in found) return found.error
    const outcome = await eraseUser(db, found.user)
    if ('notDurable' in outcome) return notDurableReply(outcome.notDurable)
    return ok({ deleted: outcome.receipt })
  } catch (e) {
    console.error('deleteAccount failed', e)
    return fail('DELETE_NOT_DURABLE')
  }
}
