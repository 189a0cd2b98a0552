import { callbackApi, WxFail } from '../callback-api'
import type { ClientState } from '../state'
import { atLeast, BASE_LIBRARY } from '../../../../packages/contract/base-library'

type PrivacyResolve = (arg: { event: 'agree' | 'disagree'; buttonId?: string }) => void

/**
 * The privacy guide (用户隐私保护指引, base library 2.32.3+): until the user agrees, privacy APIs first raise
 * wx.onNeedPrivacyAuthorization; the page shows its consent sheet and answers through `resolve`.
 * After a refusal WeChat does not ask again for 10 seconds: privacy APIs called in that window fail at once
 * (errno 104) without raising the event, so a page cannot nag
 * (https://developers.weixin.qq.com/miniprogram/dev/framework/user-privacy/PrivacyAuthorize.html).
 */
export const PRIVACY_REPROMPT_AFTER_MS = 10_000
export const DEFAULT_PRIVACY_CONTRACT_NAME = '《WeAuth 隐私保护指引》'
export function privacyApis(state: ClientState) {
  const hasPrivacyGuide = atLeast(state.baseLibrary, BASE_LIBRARY.PRIVACY_GUIDE_SINCE)
  let listener: ((resolve: PrivacyResolve, eventInfo: { referrer: string }) => void) | null = null

  /** Runs before a privacy API: resolves when agreed, rejects when the user declines. */
  const ensureAgreed = (referrer: string): Promise<void> =>
    new Promise((resolve, reject) => {
      // older base libraries have no privacy guide: the APIs run as before
      if (state.privacyAgreed || !hasPrivacyGuide) return resolve()
      const refused = () => new WxFail('privacy permission is not authorized', { errno: 104 })
      if (state.privacyRefusedUntil !== undefined && Date.now() < state.privacyRefusedUntil) return reject(refused())
      const answer: PrivacyResolve = ({ event }) => {
        if (event === 'agree') {
          state.privacyAgreed = true
          state.privacyRefusedUntil = undefined
          resolve()
        } else {
          state.privacyRefusedUntil = Date.now() + PRIVACY_REPROMPT_AFTER_MS
          reject(refused())
        }
      }
      if (listener) listener(answer, { referrer })
      else answer({ event: state.choices.privacy }) // WeChat's own popup when the page registers none
    })

  const apis = {
    onNeedPrivacyAuthorization: (fn: typeof listener) => {
      listener = fn
    },
    requirePrivacyAuthorize: callbackApi(
      'requirePrivacyAuthorize',
      async () => (await ensureAgreed('requirePrivacyAuthorize'), {}),
    ),
    getPrivacySetting: callbackApi('getPrivacySetting', async () => ({
      needAuthorization: !state.privacyAgreed,
      privacyContractName: state.privacyContractName ?? DEFAULT_PRIVACY_CONTRACT_NAME,
    })),
    openPrivacyContract: callbackApi('openPrivacyContract', async () => ({})),
  }
  // on older base libraries these APIs do not exist (pages check with typeof before using them)
  return { ensureAgreed, apis: hasPrivacyGuide ? apis : ({} as Partial<typeof apis>) }
}
