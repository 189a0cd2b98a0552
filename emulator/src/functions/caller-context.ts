import type { Services } from '../core/services'
import type { WeChatAccount } from '../accounts'
import type { InvocationIdentity } from './runner'

/**
 * The WeChat context of a mini program's call into this environment, as getWXContext() shows it:
 * - from the environment's own mini program: OPENID, APPID and, when the app is bound to an Open Platform
 *   account, UNIONID (https://developers.weixin.qq.com/miniprogram/dev/wxcloud/reference-sdk-api/utils/Cloud.getWXContext.html);
 * - from another mini program the environment is shared with (资源复用, 跨账号调用): FROM_APPID, FROM_OPENID and,
 *   when bound, FROM_UNIONID, the calling app's own ids
 *   (https://developers.weixin.qq.com/miniprogram/dev/wxcloud/guide/resource-sharing/guidance.html).
 *   WeChat's pages do not say what OPENID/APPID/UNIONID hold on such a call; the emulator leaves them out, so code
 *   that reads only OPENID fails closed instead of taking the caller for a user of the owner's mini program.
 */
export function callerContext(
  services: Services,
  account: WeChatAccount,
): Omit<InvocationIdentity, 'source' | 'clientIp'> {
  const appid = account.appid ?? services.ctx.appid
  if (appid === services.ctx.appid) return { openid: account.openid, appid, unionid: account.unionid }
  return { fromAppid: appid, fromOpenid: account.openid, fromUnionid: account.unionid }
}
