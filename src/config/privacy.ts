/** The version of the privacy policy the authorization page shows; bump it when the policy changes. */
export const PRIVACY_POLICY_VERSION = '2026-11'
