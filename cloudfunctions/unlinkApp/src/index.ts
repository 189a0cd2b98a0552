import * as v from 'valibot'
import { cloud } from '../../../packages/cloud-kit/cloud'
import { callerOf } from '../../../packages/cloud-kit/accounts'
import { currentUser } from '../../../packages/cloud-kit/current-user'
import { linkedApps, unlinkApp } from '../../../packages/cloud-kit/unlink'
import { notDurableReply, type Receipt } from '../../../packages/cloud-kit/erase'
import { fail, ok, type Result } from '../../../packages/contract/result'
import { parseEvent } from '../../../packages/cloud-kit/validate'

const Event = v.variant('action', [
  v.object({ action: v.literal('preview') }),
  v.object({ action: v.literal('unlink'), confirm: v.literal(true, '解除关联需要确认') }),
])

export type UnlinkReply =
  | { apps: number }
  | {
      unlinked: { accountDeleted: false; otherApps: number; at: string } | { accountDeleted: true; receipt: Receipt }
    }

/**
 * "解除本小程序的关联" in the user center (packages/cloud-kit/unlink.ts). `preview` says how many mini programs the
 * account is signed into from, so the page can say beforehand whether unlinking is a deletion (it is when this
 * app's identity is the last one); `unlink`, after the page's explicit confirmation, removes this app's identity
 * and consent, or deletes the account when it was the last. Fails closed: UNLINK_NOT_DURABLE / DELETE_NOT_DURABLE
 * when a step did not land (nothing is half unlinked; a retry finishes it).
 */
export async function main(event: unknown): Promise<Result<UnlinkReply>> {
  const parsed = parseEvent(Event, event)
  if ('error' in parsed) return parsed.error
  const caller = callerOf(cloud.getWXContext())
  const db = cloud.database()
  try {
    const found = await currentUser(db, caller)
    if ('error' in found) return found.error
    if (parsed.value.action === 'preview') return ok(await linkedApps(db, found.user))
    const outcome = await unlinkApp(db, found.user, caller!)
    if ('gone' in outcome) return fail('NOT_LOGGED_IN')
    if ('notDurable' in outcome) return fail('UNLINK_NOT_DURABLE')
    if ('deletionStopped' in outcome) return notDurableReply(outcome.deletionStopped)
    return ok({ unlinked: outcome.unlinked })
  } catch (e) {
    console.error('unlinkApp failed', e)
    return fail('UNLINK_NOT_DURABLE')
  }
}
