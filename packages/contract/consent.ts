import { PRIVACY_POLICY_VERSION } from './privacy-policy'

/**
 * Whether a user's profile and phone may be used: only once the current privacy policy version was accepted
 * by a tap (docs/privacy.md). CONSENT_REQUIRED when never given or withdrawn, CONSENT_OUTDATED when the
 * accepted version is older than the one the app shows now. Both backends apply this same rule.
 */
export function consentProblem(user: {
  privacyConsentAt: Date | string | null | undefined
  privacyConsentVersion: string | null | undefined
}): 'CONSENT_REQUIRED' | 'CONSENT_OUTDATED' | null {
  if (!user.privacyConsentAt || !user.privacyConsentVersion) return 'CONSENT_REQUIRED'
  return user.privacyConsentVersion === PRIVACY_POLICY_VERSION ? null : 'CONSENT_OUTDATED'
}
