import * as v from 'valibot'
import { cloud } from '../../../packages/cloud-kit/cloud'
import { clearRevoked, eraseUser, notDurableReply } from '../../../packages/cloud-kit/erase'
import { fail, ok, type Result } from '../../../packages/contract/result'
import { findAccount } from '../../../packages/cloud-kit/accounts'
import { pushAction, revokedItems, UserInfoPush } from '../../../packages/contract/user-info-push'

/**
 * WeChat's 授权用户信息变更 pushes (event JSON as documented for message push to cloud functions,
 * https://developers.weixin.qq.com/miniprogram/dev/wxcloud/guide/functions/openapi.html; events and fields:
 * https://developers.weixin.qq.com/doc/service/en/guide/h5/authorization_change.html, the mini-program
 * equivalent of the same platform notice):
 * - user_info_modified: WeChat cleaned a user's risky profile data → we clear nickname and avatar too;
 * - user_authorization_revoke with RevokeInfo: 6 (nickname + avatar), 19 / 20 (the picked nickname / avatar)
 *   → nickname and avatar cleared and the avatar files deleted; 8 (phone number) → phone cleared;
 * - user_authorization_cancellation: the user cancelled their authorization → the account is deleted.
 * Routed here by the console's 消息推送 table (docs/privacy.md): MsgType `event` with each Event value.
 * Every push is validated first: a malformed one, one for another appid, or one not coming from WeChat's push
 * (a mini program calling this function directly) changes nothing and is logged. Handling is idempotent: a
 * redelivered push finds the fields already empty or the account already gone. The push's shape and what each
 * asks: packages/contract/user-info-push.ts, shared with the own server's /wechat/push.
 */

/** Invocation sources that are not WeChat's push: anyone could forge an event through them. */
const NOT_A_PUSH = new Set(['wx_client', 'wx_devtools', 'wx_function', 'wx_http'])

type Handled = { action: 'none' | 'cleared' | 'deleted'; cleared?: string[]; files?: string[] }

export async function main(event: unknown): Promise<Result<Handled>> {
  const { APPID, SOURCE } = cloud.getWXContext()
  if (SOURCE && NOT_A_PUSH.has(String(SOURCE))) {
    console.warn(`push refused: invoked from ${SOURCE}, not by WeChat's message push`)
    return fail('NOT_FOUND')
  }
  const parsed = v.safeParse(UserInfoPush, event)
  if (!parsed.success) {
    console.warn('push refused: malformed', parsed.issues[0]?.path?.map((p) => p.key).join('.'))
    return fail('INVALID_INPUT')
  }
  const push = parsed.output
  if (!APPID || push.AppID !== String(APPID)) {
    console.warn('push refused: AppID is not this mini program')
    return fail('INVALID_INPUT')
  }
  const revoked = revokedItems(push)
  if (!revoked) {
    console.warn('push refused: RevokeInfo missing or not numeric')
    return fail('INVALID_INPUT')
  }

  const db = cloud.database()
  try {
    // the push names one mini program's openid: it leads to the whole account (identities, accounts.ts), whose
    // profile, phone and existence are shared by every app of the person.
    const user = await findAccount(db, { appid: push.AppID, openid: push.OpenID, unionid: null, viaSharing: false })
    if (!user) return ok({ action: 'none' })
    if (push.Event === 'user_authorization_cancellation') {
      const outcome = await eraseUser(db, user)
      if ('notDurable' in outcome) return notDurableReply(outcome.notDurable)
      return ok({ action: 'deleted', files: outcome.receipt.files })
    }
    const action = pushAction(push, revoked)
    if (action.kind !== 'clear') {
      console.warn('push: RevokeInfo lists nothing we store', revoked)
      return ok({ action: 'none' })
    }
    const outcome = await clearRevoked(db, user, { profile: action.profile, phone: action.phone })
    if ('notDurable' in outcome) return fail('DELETE_NOT_DURABLE')
    return ok({ action: 'cleared', ...outcome })
  } catch (e) {
    console.error('push handling failed (WeChat redelivers; handling is idempotent)', e)
    return fail('UPSTREAM')
  }
}
