import type { Backend } from '../backend/backend'

/**
 * What the AuthService needs of a backend: sign in, whether a credential is held, sign out. Every backend
 * (src/services/backend) is one; tests may pass a smaller object.
 */
export type AuthProvider = Pick<Backend, 'name' | 'signIn' | 'hasCredential' | 'signOut'> &
  Partial<Pick<Backend, 'phoneLogin'>>
