import type { Limits } from '../config'
import type { AuthStore } from '../db/store'
import { rateLimited } from './http-error'

/**
 * Rate limits whose counters live in the database, so every instance sees the same counts (db/store.ts
 * hit()). `@fastify/rate-limit` applies the per-IP limit of each route through PgRateLimitStore; the limits
 * keyed by something known only inside a handler (the openid after jscode2session, the user of a token,
 * refused tokens) go through Limiter.
 */
export class Limiter {
  constructor(
    private readonly store: AuthStore,
    private readonly limits: Limits,
    private readonly now: () => number,
  ) {}

  /** Counts a hit and throws 429 RATE_LIMITED (with Retry-After) once `max` is passed in the window. */
  async take(key: string, max: number): Promise<void> {
    const now = this.now()
    const { count, resetAt } = await this.store.hit(key, this.limits.windowMs, new Date(now))
    if (count > max) throw rateLimited((resetAt.getTime() - now) / 1000)
  }

  /** Throws 429 when the key has already passed `max` in the current window, without counting. */
  async check(key: string, max: number): Promise<void> {
    const now = this.now()
    const { rows } = await this.store.db.query<{ count: number; reset_at: Date }>(
      'SELECT count, reset_at FROM rate_counters WHERE key = $1 AND reset_at > $2',
      [key, new Date(now)],
    )
    if (rows[0] && Number(rows[0].count) >= max) throw rateLimited((new Date(rows[0].reset_at).getTime() - now) / 1000)
  }
}

type Incr = (err: Error | null, res?: { current: number; ttl: number }) => void

/** A store for @fastify/rate-limit over the shared counters (its `incr(key, cb, timeWindow, max)` contract). */
class PgRateLimitStore {
  private readonly prefix: string
  constructor(
    private readonly store: AuthStore,
    private readonly now: () => number,
    routeInfo?: unknown,
  ) {
    const route = (routeInfo ?? {}) as { url?: string; method?: string }
    this.prefix = route.url ? `ip:${route.method} ${route.url}:` : 'ip:'
  }
  incr(key: string, cb: Incr, timeWindow: number): void {
    const at = this.now()
    this.store.hit(`${this.prefix}${key}`, timeWindow, new Date(at)).then(
      ({ count, resetAt }) => cb(null, { current: count, ttl: Math.max(0, resetAt.getTime() - at) }),
      (e: Error) => cb(e),
    )
  }
  child(routeOptions: { routeInfo?: unknown }): PgRateLimitStore {
    return new PgRateLimitStore(this.store, this.now, routeOptions.routeInfo)
  }
}

/** The plugin constructs its store itself (`new Store(options)`): a class bound to this store and clock. */
export function pgRateLimitStore(store: AuthStore, now: () => number) {
  return function BoundPgRateLimitStore() {
    return new PgRateLimitStore(store, now)
  } as unknown as new (options: unknown) => PgRateLimitStore
}
