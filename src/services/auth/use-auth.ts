import { useEffect, useState } from 'react'
import { authService } from './auth-service'
import type { AuthState } from './types'

/** The current login state; re-renders the page when it changes. */
export function useAuth(): AuthState {
  const [state, setState] = useState<AuthState>(authService.getState())
  useEffect(() => {
    setState(authService.getState())
    return authService.subscribe(setState)
  }, [])
  return state
}
