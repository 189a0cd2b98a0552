import Taro from '@tarojs/taro'
import type { AuthProvider } from './provider'
import { configuredBackend } from '../backend'
import { clearSession, readSession, writeSession } from './session-store'
import { TRANSIENT_BACKOFF_MS, withRetry, type RetryPolicy } from '../retry'
import { WeAuthError } from '../../../packages/contract/errors'
import type { AuthState, User } from './types'
import type { ConsentGiven, PhoneProof } from '../backend/backend'

/**
 * Signing in is safe to repeat (the backend upserts by openid and every attempt asks wx.login for a fresh code),
 * so whatever the contract table marks retryable is retried before the page shows it, with one exception: the
 * client's own 10 s timeout (a dead network would keep the spinner for 30 s). Rate limits are not retryable in
 * the table (WeChat's quota is per minute: retrying at once only spends it).
 */
const LOGIN_RETRY: RetryPolicy = {
  backoffMs: TRANSIENT_BACKOFF_MS,
  retryable: (e) => e instanceof WeAuthError && e.retryable && e.code !== 'TIMEOUT',
}

type Listener = (state: AuthState) => void

/**
 * The login state of this device. `restore()` runs on launch: a cached state whose WeChat session still
 * passes wx.checkSession is used as is (no cloud call); an expired session is renewed silently once.
 * `login()` is single-flight: concurrent callers share one round trip.
 */
export class AuthService {
  private state: AuthState = { status: 'idle', user: null, error: null }
  private listeners = new Set<Listener>()
  private inflight: Promise<User> | null = null

  /** signs in with the backend this build chose (cloud or http, see src/services/backend) */
  constructor(private readonly provider: AuthProvider = configuredBackend) {}

  getState(): AuthState {
    return this.state
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  async restore(): Promise<User | null> {
    const cached = readSession()
    if (!cached) return null
    this.set({ status: 'restoring', user: cached, error: null })
    let sessionValid = false
    try {
      await Taro.checkSession()
      sessionValid = true
    } catch {
      sessionValid = false
    }
    if (sessionValid && this.provider.hasCredential()) {
      this.set({ status: 'logged-in', user: cached, error: null })
      return cached
    }
    try {
      return await this.login()
    } catch {
      return null // login() has set the error state; the user can retry from the auth page
    }
  }

  /**
   * Signs in. `consent` only from the authorization page's tap (the person accepted that version just now);
   * restore() never passes it, so a silent re-login never records consent.
   */
  login(consent?: ConsentGiven): Promise<User> {
    return this.signInWith(() => withRetry(() => this.provider.signIn(consent), LOGIN_RETRY))
  }

  /** 手机号快捷登录: one backend call that signs in and binds the phone; never retried (the code is single use). */
  loginWithPhone(proof: PhoneProof, consent: ConsentGiven): Promise<User> {
    const phoneLogin = this.provider.phoneLogin
    if (!phoneLogin) return Promise.reject(new WeAuthError('UNSUPPORTED'))
    return this.signInWith(() => phoneLogin(proof, consent))
  }

  private signInWith(attempt: () => Promise<User>): Promise<User> {
    if (this.inflight) return this.inflight
    this.set({ status: 'logging-in', user: this.state.user, error: null })
    this.inflight = attempt()
      .then((user) => {
        writeSession(user)
        this.set({ status: 'logged-in', user, error: null })
        return user
      })
      .catch((e: unknown) => {
        const error = e instanceof WeAuthError ? e : new WeAuthError('INTERNAL', '登录失败，请重试')
        this.set({ status: 'error', user: null, error: error.message })
        throw error
      })
      .finally(() => {
        this.inflight = null
      })
    return this.inflight
  }

  /** Replaces the cached user after a profile change. */
  update(user: User): void {
    writeSession(user)
    this.set({ status: 'logged-in', user, error: null })
  }

  logout(): void {
    this.provider.signOut()
    clearSession()
    this.set({ status: 'idle', user: null, error: null })
  }

  private set(state: AuthState): void {
    this.state = state
    for (const listener of this.listeners) listener(state)
  }
}

export const authService = new AuthService()
