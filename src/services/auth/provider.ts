import type { User } from './types'

/**
 * A way of signing in: the AuthService (restore, single-flight login, logout) is the same for every
 * provider, and so are the pages. `cloud` is the default; `http` talks to your own login server.
 */
export interface AuthProvider {
  readonly name: 'cloud' | 'http'
  /** wx.login and the backend round trip; resolves with the user view or rejects with a WeAuthError */
  signIn(): Promise<User>
  /**
   * Whether this device still holds what the backend needs besides a valid WeChat session: the cloud needs
   * nothing (WeChat attaches the identity), the http provider an unexpired access token.
   */
  hasCredential(): boolean
  /** ends the backend session (best effort, never throws) and forgets local credentials */
  signOut(): void
}
