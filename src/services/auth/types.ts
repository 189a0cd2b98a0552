import type { PublicUser } from '../../../packages/contract/user-view'

/** The user as every backend returns it: the contract's public view (packages/contract/user-view.ts). */
export type User = PublicUser

export type AuthStatus = 'idle' | 'restoring' | 'logging-in' | 'logged-in' | 'error'

export interface AuthState {
  status: AuthStatus
  user: User | null
  /** a message a person can act on; set with status 'error' */
  error: string | null
}
