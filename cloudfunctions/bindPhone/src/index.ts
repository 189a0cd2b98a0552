import { cloud } from '../../../packages/cloud-kit/cloud'
import { callerOf } from '../../../packages/cloud-kit/accounts'
import { currentUser } from '../../../packages/cloud-kit/current-user'
import { fail, ok, type Result } from '../../../packages/contract/result'
import { parseEvent } from '../../../packages/cloud-kit/validate'
import { resolvePhone } from '../../../packages/cloud-kit/phone'
import { PhoneProof } from '../../../packages/cloud-kit/phone-event'
import { publicView, updatedCount, USERS, type PublicUser } from '../../../packages/cloud-kit/users'

/**
 * Exchanges the phone button's code (or CloudID) server-side, bound to the caller's openid, and stores the
 * number; the client only ever sees it masked. Needs the current privacy policy accepted.
 */
export async function main(event: unknown): Promise<Result<{ user: PublicUser }>> {
  const parsed = parseEvent(PhoneProof, event)
  if ('error' in parsed) return parsed.error
  const caller = callerOf(cloud.getWXContext())
  const OPENID = caller?.openid
  const db = cloud.database()
  try {
    const found = await currentUser(db, caller, { requireConsent: true })
    if ('error' in found) return found.error
    const { user } = found
    const phone = await resolvePhone(parsed.value, OPENID!)
    if ('error' in phone) return phone.error
    // conditional on `active`: a deletion racing this call leaves no number behind and no `ok`
    const res = await db
      .collection(USERS)
      .where({ _id: user._id, status: 'active' })
      .update({ data: { phoneNumber: phone.phoneNumber, countryCode: phone.countryCode, updatedAt: db.serverDate() } })
    if (updatedCount(res) !== 1) return fail('NOT_LOGGED_IN')
    return ok({
      user: publicView({ ...user, phoneNumber: phone.phoneNumber, countryCode: phone.countryCode }, caller!.appid),
    })
  } catch (e) {
    console.error('bindPhone failed', e)
    return fail('UPSTREAM')
  }
}
