import type { DB } from 'wx-server-sdk'
import { cloud } from './cloud'

/**
 * The risk check at registration: riskControl.getUserRiskRank with scene 0 (注册)
 * (https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/safety-control-capability/getUserRiskRank.html):
 * risk_rank 0 (lowest) to 4 (highest). What happens with the rank is a policy the team sets without a deploy,
 * in the `settings` collection, document `riskPolicy` (ADMINONLY, database/collections.json):
 *   { mode: 'off' }                     no call at all
 *   { mode: 'log' }                     (default) call, store the rank on the new user, never refuse
 *   { mode: 'refuse', above: N }        refuse a registration whose rank is above N (RISKY_USER)
 * If WeChat cannot answer, the registration goes ahead (logged): a risk service outage must not lock out
 * every new user.
 */
export interface RiskPolicy {
  mode: 'off' | 'log' | 'refuse'
  above: number
}

export const SETTINGS = 'settings'
export const DEFAULT_RISK_POLICY: RiskPolicy = { mode: 'log', above: 2 }

export async function riskPolicy(db: DB.Database): Promise<RiskPolicy> {
  try {
    const { data } = (await db.collection(SETTINGS).where({ _id: 'riskPolicy' }).limit(1).get()) as DB.IQueryResult
    const doc = data[0] as Partial<RiskPolicy> | undefined
    if (!doc) return DEFAULT_RISK_POLICY
    const mode = doc.mode === 'off' || doc.mode === 'refuse' || doc.mode === 'log' ? doc.mode : DEFAULT_RISK_POLICY.mode
    const above = Number.isInteger(doc.above) ? Number(doc.above) : DEFAULT_RISK_POLICY.above
    return { mode, above }
  } catch (e) {
    // the collection does not exist yet (-502005): the default policy holds
    console.warn('risk policy not readable, using the default', (e as { errCode?: number })?.errCode)
    return DEFAULT_RISK_POLICY
  }
}

/** The verdict for a registration: the rank to store (null when not checked) and whether to refuse. */
export async function registrationRisk(
  db: DB.Database,
  who: { openid: string; appid: string; clientIp?: string },
): Promise<{ rank: number | null; refuse: boolean }> {
  const policy = await riskPolicy(db)
  if (policy.mode === 'off') return { rank: null, refuse: false }
  let rank: number | null = null
  try {
    const res = (await cloud.openapi.riskControl.getUserRiskRank({
      appid: who.appid,
      openid: who.openid,
      scene: 0,
      clientIp: who.clientIp || '0.0.0.0',
    })) as { riskRank?: number }
    rank = typeof res.riskRank === 'number' ? res.riskRank : null
  } catch (e) {
    console.warn('getUserRiskRank failed; registration continues', (e as { errCode?: number })?.errCode)
    return { rank: null, refuse: false }
  }
  if (rank !== null && policy.mode === 'refuse' && rank > policy.above) {
    console.warn(`registration refused: risk rank ${rank} above ${policy.above}`)
    return { rank, refuse: true }
  }
  if (rank !== null && rank > policy.above) console.warn(`registration with risk rank ${rank} (policy: log)`)
  return { rank, refuse: false }
}
