import { cloud } from '../../../packages/cloud-kit/cloud'
import { callerOf } from '../../../packages/cloud-kit/accounts'
import * as v from 'valibot'
import { currentUser } from '../../../packages/cloud-kit/current-user'
import { fail, ok, type Result } from '../../../packages/contract/result'
import { PRIVACY_POLICY_VERSION } from '../../../packages/contract/privacy-policy'
import { parseEvent } from '../../../packages/cloud-kit/validate'
import { consentUpdate, withConsent } from '../../../packages/cloud-kit/consents'
import { publicView, updatedCount, USERS, type PublicUser } from '../../../packages/cloud-kit/users'

/**
 * Consent to the calling mini program's privacy policy, only ever from a person's tap (the policy sheet's "同意" or the user
 * center's "撤回同意"): `accept` records the current version and when; `withdraw` clears both, which stops
 * every profile and phone use (updateProfile, bindPhone refuse with CONSENT_REQUIRED) until accepted again.
 * Withdrawing keeps the account; deleting it is deleteAccount's job (docs/privacy.md).
 */
const Event = v.variant('action', [
  v.object({
    action: v.literal('accept'),
    version: v.literal(PRIVACY_POLICY_VERSION, '隐私政策已更新，请重新阅读后同意'),
  }),
  v.object({ action: v.literal('withdraw') }),
])

export async function main(event: unknown): Promise<Result<{ user: PublicUser }>> {
  const parsed = parseEvent(Event, event)
  if ('error' in parsed) return parsed.error
  const caller = callerOf(cloud.getWXContext())
  const db = cloud.database()
  try {
    const found = await currentUser(db, caller)
    if ('error' in found) return found.error
    const { user } = found
    const accepting = parsed.value.action === 'accept'
    // this mini program's consent only: the account's other apps keep theirs (consents.ts)
    const changes = consentUpdate(db, user, caller!.appid, accepting)
    const res = await db
      .collection(USERS)
      .where({ _id: user._id, status: 'active' })
      .update({ data: { ...changes, updatedAt: db.serverDate() } })
    // 0 updated: the record is gone or frozen by a deletion (or, within the same millisecond, already so)
    if (updatedCount(res) !== 1) {
      const again = await currentUser(db, caller)
      if ('error' in again) return again.error
    }
    return ok({ user: publicView(withConsent(user, caller!.appid, accepting), caller!.appid) })
  } catch (e) {
    console.error('consent failed', e)
    return fail('UPSTREAM')
  }
}
