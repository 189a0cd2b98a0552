/**
 * The version of the privacy policy the app shows (src/pages/privacy) and the backends require: bump it when
 * the policy changes. A user whose accepted version differs is asked again, and nothing personal is used or
 * recorded until they tap to accept (docs/privacy.md).
 */
export const PRIVACY_POLICY_VERSION = '2026-11'
