export { authService, AuthService } from './auth-service'
export { useAuth } from './use-auth'
export { AuthError } from './types'
export type { User, AuthState, AuthStatus } from './types'
