import * as v from 'valibot'

/**
 * WeChat's 授权用户信息变更 push (authorized_user_information_changes), as both backends receive it: the cloud's
 * userInfoChanges function (message push to a cloud function) and the own server's /wechat/push (server-URL
 * mode). Events and fields: https://developers.weixin.qq.com/doc/service/en/guide/h5/authorization_change.html
 * - user_info_modified: WeChat cleaned the user's risky profile data → clear nickname and avatar;
 * - user_authorization_revoke with RevokeInfo: 6 (nickname + avatar), 19 / 20 (the picked nickname / avatar)
 *   → clear nickname and avatar and delete the avatar files; 8 (phone number) → clear the phone;
 * - user_authorization_cancellation: the user cancelled their authorization → delete the account.
 */
export const UserInfoPush = v.object({
  MsgType: v.literal('event'),
  Event: v.picklist(['user_info_modified', 'user_authorization_revoke', 'user_authorization_cancellation']),
  OpenID: v.pipe(v.string(), v.regex(/^[\w-]{6,64}$/)),
  AppID: v.pipe(v.string(), v.regex(/^wx[0-9a-zA-Z]{6,32}$/)),
  RevokeInfo: v.optional(v.union([v.pipe(v.string(), v.maxLength(64)), v.number()])),
  CreateTime: v.optional(v.number()),
})

export type UserInfoPushEvent = v.InferOutput<typeof UserInfoPush>

export const PROFILE_REVOKES: ReadonlySet<number> = new Set([6, 19, 20])
export const PHONE_REVOKES: ReadonlySet<number> = new Set([8])

/** The RevokeInfo items ("6", "6,8", 8), or null when a revoke push has none or a non-numeric one. */
export function revokedItems(push: UserInfoPushEvent): number[] | null {
  const items = String(push.RevokeInfo ?? '')
    .split(/[,|\s]+/)
    .filter(Boolean)
    .map(Number)
  if (push.Event === 'user_authorization_revoke' && (!items.length || items.some((n) => !Number.isInteger(n))))
    return null
  return items
}

/** What a valid push asks of the backend. */
export function pushAction(
  push: UserInfoPushEvent,
  revoked: number[],
): { kind: 'delete' } | { kind: 'clear'; profile: boolean; phone: boolean } | { kind: 'none' } {
  if (push.Event === 'user_authorization_cancellation') return { kind: 'delete' }
  const profile = push.Event === 'user_info_modified' || revoked.some((n) => PROFILE_REVOKES.has(n))
  const phone = revoked.some((n) => PHONE_REVOKES.has(n))
  return profile || phone ? { kind: 'clear', profile, phone } : { kind: 'none' }
}
