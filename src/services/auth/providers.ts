import { AUTH_PROVIDER } from '../../config/auth'
import { loginWithCloud } from './cloud-provider'
import { httpProvider } from './http-provider'
import type { AuthProvider } from './provider'

/** WeChat Cloud: the identity rides on every call, so there is no credential to keep or revoke. */
export const cloudProvider: AuthProvider = {
  name: 'cloud',
  signIn: loginWithCloud,
  hasCredential: () => true,
  signOut: () => undefined,
}

/** The provider this build uses: TARO_APP_AUTH_PROVIDER (src/config/auth.ts). */
export const configuredProvider: AuthProvider = AUTH_PROVIDER === 'http' ? httpProvider : cloudProvider
