import type { FastifyRequest } from 'fastify'
import type { AppContext } from './context'
import { HttpError } from './http-error'

/**
 * Which of the configured mini programs a sign-in comes from: the body's `appid`, else the one WeChat names in
 * every wx.request's Referer ("https://servicewechat.com/{appid}/{version}/page-frame.html", which a mini program
 * cannot set: https://developers.weixin.qq.com/miniprogram/dev/framework/ability/network.html), else the first.
 * Either may be claimed by anyone, and neither needs trusting: jscode2session with that app's secret only accepts
 * codes that app's wx.login issued, so a wrong appid is a refused code, not another app's account.
 */
const REFERER = /^https:\/\/servicewechat\.com\/(wx[0-9a-f]{16})\//

export function miniProgramOf(ctx: AppContext, request: FastifyRequest, named: string | undefined): string {
  const appid = named ?? REFERER.exec(String(request.headers.referer ?? ''))?.[1] ?? ctx.config.appid
  if (!ctx.config.apps.some((a) => a.appid === appid))
    throw new HttpError(400, 'INVALID_INPUT', 'appid: 不是本服务支持的小程序')
  return appid
}
