import type { Limits } from '../config'
import { rateLimited } from './http-error'
import type { SharedCounters } from './shared-counters'

/**
 * Rate limits over counters every instance shares (http/shared-counters.ts: counted in the instance, decided at
 * once, synced with PostgreSQL in batches). `@fastify/rate-limit` applies the per-IP limit of each route through
 * SharedRateLimitStore; the limits keyed by something known only inside a handler (a code, the openid after
 * jscode2session, the user of a token, refused tokens) go through Limiter. Neither waits for the database, so a
 * limit stops a garbage code before it costs a WeChat call or a database round trip.
 */
export class Limiter {
  constructor(
    private readonly counters: SharedCounters,
    private readonly limits: Limits,
    private readonly now: () => number,
  ) {}

  /** Counts a hit and throws 429 RATE_LIMITED (with Retry-After) once `max` is passed in the window. */
  take(key: string, max: number): void {
    const { count, resetAt } = this.counters.hit(key, this.limits.windowMs, max)
    if (count > max) throw rateLimited((resetAt - this.now()) / 1000)
  }
}

type Incr = (err: Error | null, res?: { current: number; ttl: number }) => void

/** A store for @fastify/rate-limit over the shared counters (its `incr(key, cb, timeWindow, max)` contract). */
class SharedRateLimitStore {
  private readonly prefix: string
  constructor(
    private readonly counters: SharedCounters,
    private readonly now: () => number,
    routeInfo?: unknown,
  ) {
    const route = (routeInfo ?? {}) as { url?: string; method?: string }
    this.prefix = route.url ? `ip:${route.method} ${route.url}:` : 'ip:'
  }
  incr(key: string, cb: Incr, timeWindow: number, max: number): void {
    const { count, resetAt } = this.counters.hit(`${this.prefix}${key}`, timeWindow, max)
    cb(null, { current: count, ttl: Math.max(0, resetAt - this.now()) })
  }
  child(routeOptions: { routeInfo?: unknown }): SharedRateLimitStore {
    return new SharedRateLimitStore(this.counters, this.now, routeOptions.routeInfo)
  }
}

/** The plugin constructs its store itself (`new Store(options)`): a class bound to these counters and clock. */
export function sharedRateLimitStore(counters: SharedCounters, now: () => number) {
  return function BoundSharedRateLimitStore() {
    return new SharedRateLimitStore(counters, now)
  } as unknown as new (options: unknown) => SharedRateLimitStore
}
