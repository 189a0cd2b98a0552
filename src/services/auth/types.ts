/** The user as the login cloud function returns it (cloudfunctions/_shared/users.ts PublicUser). */
export interface User {
  id: string
  nickName: string
  avatarFileId: string
  phoneMasked: string | null
  hasProfile: boolean
  createdAt: string
  lastLoginAt: string
  loginCount: number
  privacyConsented: boolean
}

export type AuthStatus = 'idle' | 'restoring' | 'logging-in' | 'logged-in' | 'error'

export interface AuthState {
  status: AuthStatus
  user: User | null
  /** a message a person can act on; set with status 'error' */
  error: string | null
}

/** A failure the page can show: what happened, and whether trying again can help. */
export class AuthError extends Error {
  constructor(message: string, readonly code: string, readonly retryable: boolean) {
    super(message)
    this.name = 'AuthError'
  }
}
