import { callbackApi, WxFail } from '../callback-api'
import type { ClientState } from '../state'

/**
 * wx.requestSubscribeMessage({ tmplIds }): the subscription sheet; resolves `{ [tmplId]: 'accept' | 'reject' |
 * 'ban' | 'filter', errMsg }`, fails with the page's errCode (10001 empty list, 10004 not strings, 20001 unknown
 * template, 20003 more than 3). What the user taps per template comes from `choices.subscribeMessage`.
 * https://developers.weixin.qq.com/miniprogram/dev/api/open-api/subscribe-message/wx.requestSubscribeMessage.html
 */
export function subscribeMessageApis(state: ClientState) {
  return {
    requestSubscribeMessage: callbackApi('requestSubscribeMessage', async (o: { tmplIds?: unknown }) => {
      const reply = await state.transport('wechat.requestSubscribeMessage', {
        tmplIds: o.tmplIds,
        choices: state.choices.subscribeMessage,
      })
      if (!reply.ok) throw new WxFail(reply.errMsg, { errCode: reply.errCode })
      const refusal = reply.refusal as { errCode: number; errMsg: string } | undefined
      if (refusal) throw new WxFail(refusal.errMsg, { errCode: refusal.errCode })
      return reply.result as Record<string, string>
    }),
  }
}
