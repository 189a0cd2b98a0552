import type { DB } from 'wx-server-sdk'
import { PRIVACY_POLICY_VERSION } from '../contract/privacy-policy'
import type { UserRecord } from './users'

/**
 * Consent is per mini program: each has its own privacy policy (用户隐私保护指引 is declared per appid,
 * https://developers.weixin.qq.com/miniprogram/dev/framework/user-privacy/PrivacyAuthorize.html), so accepting one
 * app's policy says nothing about another's. The account's own app (`users.appid`, the one it was created from)
 * keeps its consent where it always was, `privacyConsentVersion` + `privacyConsentAt`; every other mini program of
 * the account has its entry in `appConsents.<appid>` = { version, at }. A second app of the same person therefore
 * asks for its own consent before it uses the profile, and the login reply's accepted version is the caller app's.
 */
export interface AppConsent {
  version: string | null
  at: Date | null
}

type ConsentFields = Pick<UserRecord, 'appid' | 'privacyConsentAt' | 'privacyConsentVersion' | 'appConsents'>

/** The consent this mini program's user gave (null when never, or withdrawn). */
export function consentOf(user: ConsentFields, appid: string): AppConsent | null {
  const given = isHomeApp(user, appid)
    ? { version: user.privacyConsentVersion, at: user.privacyConsentAt }
    : (user.appConsents?.[appid] ?? null)
  return given?.version && given.at ? given : null
}

/** The update that records (accept) or clears (withdraw) the consent of this mini program only. */
export function consentUpdate(db: DB.Database, user: ConsentFields, appid: string, accept: boolean) {
  const at = accept ? db.serverDate() : null
  const version = accept ? PRIVACY_POLICY_VERSION : null
  if (isHomeApp(user, appid)) return { privacyConsentAt: at, privacyConsentVersion: version }
  // a nested object in update() sets only these paths (wx-server-sdk flattens it), the other apps' entries stay
  return { appConsents: { [safeKey(appid)]: { version, at } } }
}

/** The record as the view should show it right after consentUpdate (server dates are only known to the database). */
export function withConsent<T extends ConsentFields>(user: T, appid: string, accept: boolean): T {
  const at = accept ? new Date() : null
  const version = accept ? PRIVACY_POLICY_VERSION : null
  if (isHomeApp(user, appid)) return { ...user, privacyConsentAt: at, privacyConsentVersion: version }
  return { ...user, appConsents: { ...user.appConsents, [safeKey(appid)]: { version, at } } }
}

/** Why this app's user may not have their profile or phone used yet, or null when its current policy is accepted. */
export function consentProblem(user: ConsentFields, appid: string): 'CONSENT_REQUIRED' | 'CONSENT_OUTDATED' | null {
  const given = consentOf(user, appid)
  if (!given) return 'CONSENT_REQUIRED'
  return given.version === PRIVACY_POLICY_VERSION ? null : 'CONSENT_OUTDATED'
}

/** Every mini program's consent on this account, by appid (for a merge). */
export function consentsByApp(user: ConsentFields): Record<string, AppConsent> {
  const all: Record<string, AppConsent> = {}
  for (const appid of Object.keys(user.appConsents ?? {})) {
    const given = consentOf(user, appid)
    if (given) all[appid] = given
  }
  const home = consentOf(user, user.appid)
  if (home) all[user.appid] = home
  return all
}

/** The fields that give `survivor` this app's consent as it was given elsewhere (a merge keeps its time). */
export function consentFields(survivor: ConsentFields, appid: string, given: AppConsent): Record<string, unknown> {
  const at = given.at ? new Date(given.at) : null
  if (isHomeApp(survivor, appid)) return { privacyConsentAt: at, privacyConsentVersion: given.version }
  return { [`appConsents.${safeKey(appid)}`]: { version: given.version, at } }
}

const isHomeApp = (user: ConsentFields, appid: string) => !user.appid || user.appid === appid

/** appids are `wx` + hex; anything else must not become a field path (a dot would nest, a `$` an operator). */
function safeKey(appid: string): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(appid)) throw new Error('consent: not an appid')
  return appid
}
