import { control } from './control'
import { byId, el } from './dom'
import { readSettings } from '../shared/settings'

/** getPhoneNumber's documented errcodes the bindPhone/phoneLogin functions tell apart (packages/cloud-kit/phone.ts). */
const PHONE_OUTCOMES: Array<[id: string, label: string, errcode: number, errmsg: string]> = [
  ['40029', 'code rejected (40029)', 40029, 'invalid code'],
  ['45011', 'rate limited (45011)', 45011, 'api minute-quota reach limit'],
  ['1400001', 'quota used up (1400001)', 1400001, 'not enough quota'],
]

/** WeChat's 授权用户信息变更 pushes (emulator/src/functions/message-push.ts). */
const PUSHES: Array<[id: string, label: string, params: Record<string, unknown>]> = [
  ['revoke-profile', 'revokes nickname + avatar', { event: 'user_authorization_revoke', revokeInfo: '6' }],
  ['revoke-nickname', 'revokes the picked nickname (19)', { event: 'user_authorization_revoke', revokeInfo: '19' }],
  ['revoke-avatar', 'revokes the picked avatar (20)', { event: 'user_authorization_revoke', revokeInfo: '20' }],
  ['revoke-phone', 'revokes the phone number (8)', { event: 'user_authorization_revoke', revokeInfo: '8' }],
  ['cancel', 'cancels the authorization', { event: 'user_authorization_cancellation' }],
  ['modified', 'changes their WeChat profile', { event: 'user_info_modified' }],
]

const currentOpenid = () => readSettings().account?.openid

/**
 * What happens on WeChat's side, for the simulated user on the phone: the outcome of the next phone-number
 * exchange (a one-time open-API fault), the account's risk rank (riskControl.getUserRiskRank) and the pushes
 * WeChat sends when the user changes what they authorized.
 */
export function wechatSideSection(): void {
  const status = byId('wechat-side-status')
  const report = (text: string) => (status.textContent = text)
  const fail = (e: Error) => report(e.message)

  byId('phone-outcomes').replaceChildren(
    ...PHONE_OUTCOMES.map(([id, label, errcode, errmsg]) => {
      const button = el('button', { type: 'button', id: `phone-outcome-${id}` }, label)
      button.addEventListener('click', () => {
        const rule = {
          service: 'openapi',
          action: 'phonenumber.getPhoneNumber',
          wxErrcode: { errcode, errmsg },
          times: 1,
        }
        void control('faults.add', rule).then(
          () => report(`the next phone-number exchange fails with ${errcode}`),
          fail,
        )
      })
      return button
    }),
  )

  const rank = byId<HTMLSelectElement>('risk-rank')
  rank.addEventListener('change', () => {
    const openid = currentOpenid()
    if (!openid) return
    void control('risk.setRank', { openid, rank: Number(rank.value) }).then(
      () =>
        report(
          `risk rank ${rank.value} for this user: stored at registration; refused only under a 'refuse' policy (packages/cloud-kit/risk.ts)`,
        ),
      fail,
    )
  })

  byId('wechat-pushes').replaceChildren(
    ...PUSHES.map(([id, label, params]) => {
      const button = el('button', { type: 'button', id: `push-${id}` }, label)
      button.addEventListener('click', () => {
        const openid = currentOpenid()
        if (!openid) return
        void control<{ functionName: string; result: unknown }>('push.deliver', { openid, ...params }).then(
          (r) => report(`pushed to ${r.functionName}: ${JSON.stringify(r.result)}`),
          fail,
        )
      })
      return button
    }),
  )
}
