import { invalidParam } from '../core/errors'
import { OPENID_PATTERN } from '../accounts/ids'
import { wxErrmsg } from './replies'

/**
 * riskControl.getUserRiskRank (安全风控, 用户安全等级):
 * https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/safety-control-capability/getUserRiskRank.html
 * {appid, openid, scene: 0 注册 | 1 营销作弊, mobile_no?, client_ip, email_address?, extended_info?, is_test?}
 * → {errcode 0, errmsg 'getUserRiskRank succ', risk_rank 0-4, unoin_id} (`unoin_id` is WeChat's spelling).
 * Refusals: 40003 invalid openid; 40013 invalid appid and 47001 for a bad scene or a missing client_ip (the
 * emulator's choice where the page lists no errcode). The rank is what a test or the playground set for the
 * openid (control API `risk.setRank`), 0 otherwise.
 */
export const MAX_RISK_RANK = 4

export class RiskRanks {
  private ranks = new Map<string, number>()
  private unionCounter = 0

  constructor(private readonly appid: string) {}

  set(openid: string, rank: number): void {
    if (typeof openid !== 'string' || !OPENID_PATTERN.test(openid)) throw invalidParam('setRiskRank: openid is invalid')
    if (!Number.isInteger(rank) || rank < 0 || rank > MAX_RISK_RANK)
      throw invalidParam(`setRiskRank: rank must be an integer 0-${MAX_RISK_RANK}`)
    this.ranks.set(openid, rank)
  }

  answer(data: Record<string, unknown>): Record<string, unknown> {
    const { appid, openid, scene, client_ip: clientIp } = data
    if (typeof openid !== 'string' || !OPENID_PATTERN.test(openid))
      return { errcode: 40003, errmsg: wxErrmsg('invalid openid') }
    if (appid !== this.appid) return { errcode: 40013, errmsg: wxErrmsg('invalid appid') }
    if (scene !== 0 && scene !== 1)
      return { errcode: 47001, errmsg: wxErrmsg('data format error: scene must be 0 or 1') }
    if (typeof clientIp !== 'string' || !clientIp)
      return { errcode: 47001, errmsg: wxErrmsg('data format error: client_ip is required') }
    return {
      errcode: 0,
      errmsg: 'getUserRiskRank succ',
      risk_rank: this.ranks.get(openid) ?? 0,
      unoin_id: ++this.unionCounter,
    }
  }

  clear(): void {
    this.ranks.clear()
  }
}
