/** The version of the privacy policy the authorization page shows: packages/contract/privacy-policy.ts. */
export { PRIVACY_POLICY_VERSION } from '../../packages/contract/privacy-policy'
