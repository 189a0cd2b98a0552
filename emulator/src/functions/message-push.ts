import { CloudError, invalidParam } from '../core/errors'
import type { Services } from '../core/services'

/**
 * WeChat's message push to a cloud function, as the platform sends 授权用户信息变更: a JSON event
 * `{ ToUserName, FromUserName, CreateTime, MsgType: 'event', Event, OpenID, AppID, RevokeInfo? }`
 * (https://developers.weixin.qq.com/doc/service/en/guide/h5/authorization_change.html), delivered to the function
 * the message-push table routes <MsgType, Event> to (its config.json `messagePush`). The invocation's source is
 * `wx_msg_push` (WeChat does not document the value; the functions only rely on it not being a client's).
 * `raw` sends any event as is, for tests of malformed pushes.
 */
export const PUSH_SOURCE = 'wx_msg_push'
const EVENTS = new Set(['user_info_modified', 'user_authorization_revoke', 'user_authorization_cancellation'])

export async function deliverPush(
  services: Services,
  params: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const appid = services.ctx.appid
  let event: Record<string, unknown>
  if (params.raw !== undefined) {
    if (typeof params.raw !== 'object' || params.raw === null) throw invalidParam('raw must be an object')
    event = params.raw as Record<string, unknown>
  } else {
    const { openid, event: type, revokeInfo } = params
    if (typeof openid !== 'string' || !openid) throw invalidParam('openid must be a non-empty string')
    if (typeof type !== 'string' || !EVENTS.has(type))
      throw invalidParam(`event must be one of ${[...EVENTS].join(', ')}`)
    if (type === 'user_authorization_revoke' && (typeof revokeInfo !== 'string' || !/^\d+(,\d+)*$/.test(revokeInfo)))
      throw invalidParam('revokeInfo must be digits, e.g. "6" or "6,8"')
    event = {
      ToUserName: `gh_${appid.slice(2, 14)}`,
      FromUserName: 'o_platform_push',
      CreateTime: Math.floor(services.ctx.now() / 1000),
      MsgType: 'event',
      Event: type,
      OpenID: openid,
      AppID: typeof params.appid === 'string' ? params.appid : appid,
      ...(type === 'user_authorization_revoke' ? { RevokeInfo: revokeInfo } : {}),
    }
  }
  const target =
    typeof params.functionName === 'string'
      ? params.functionName
      : services.functions.pushTarget(String(event.MsgType ?? ''), String(event.Event ?? ''))
  if (!target) throw new CloudError('INVALID_PARAM', `no function receives ${event.MsgType}/${event.Event} pushes`)
  services.ctx.count('push.delivered')
  const { result } = await services.functions.invoke(target, event, { source: PUSH_SOURCE, appid })
  return { functionName: target, event, result }
}
