import type { CounterBatchEntry, SharedCount } from '../db/store'

/**
 * Rate-limit counters shared by every instance without a database round trip per hit, in the manner of Kong's
 * rate-limiting plugin with `sync_rate` (https://developer.konghq.com/plugins/rate-limiting/, config.sync_rate):
 * each instance counts locally and decides at once on the last shared count it read plus its own hits; every
 * `syncMs` one batched statement (db/store.ts addHits) adds the hits not yet sent to the shared rows in
 * PostgreSQL and reads back their totals, which brings in the other instances' hits.
 *
 * A key is shared from its second hit on an instance (or its first, for a limit of 2 or less): most keys are
 * seen once (a login's code, most WeChat users in a minute), and a row for each would cost the database more
 * than the login itself. Windows are fixed: a key's window starts at its first hit (the first instance's, once
 * shared) and lasts the limit's window. What this promises, with N instances on one database:
 * - one instance is exact: its own hits are all counted before it decides, so `max` is never passed;
 * - a key is admitted at most max + (N - 1) × (1 + the hits another instance admits within one sync interval)
 *   times per window once every instance has synced it, and never more than N × max (each instance stops at
 *   `max` on its own hits alone). A key an instance holds at half its limit or more is re-read at every sync
 *   even without new hits of its own;
 * - a restarted instance starts from the shared counts of the keys it is hit on, within one sync interval.
 * Refused hits count too (as before: a client that keeps trying stays refused until the window ends).
 * If a sync fails (database unreachable) the hits stay pending and go with the next one; limits keep holding
 * on each instance's own counts meanwhile.
 */
export interface CounterStore {
  /** adds each entry's hits to its shared row (restarting an expired window) and answers the totals */
  addHits(batch: CounterBatchEntry[], now: number): Promise<SharedCount[]>
}

/** the hit of a key on an instance from which it is sent to the shared counters */
const SHARED_FROM_HIT = 2
/** keys per statement of a sync (a burst of new keys is sent in several) */
const MAX_KEYS_PER_STATEMENT = 1000

interface Entry {
  resetAt: number
  /** the limit the key was last checked against (hot keys, at half of it or more, are re-read at every sync) */
  max: number
  /** this instance's hits in the window */
  own: number
  /** own hits already added to the shared row */
  sent: number
  /** the other instances' hits, as last read */
  others: number
}

/**
 * A key is held for its window (a minute), about 150 bytes each: some 40 MB at 2,000 logins a second, each login
 * touching two new keys (its code and its WeChat user).
 */
export class SharedCounters {
  /** in order of creation, which is nearly the order windows end in: pruned from the front */
  private readonly entries = new Map<string, Entry>()
  /** keys with hits not yet sent */
  private readonly pending = new Set<string>()
  /** keys at half their limit or more: re-read at every sync */
  private readonly hot = new Set<string>()
  private syncing: Promise<void> | null = null

  constructor(
    private readonly store: CounterStore,
    private readonly now: () => number,
  ) {}

  /** Counts one hit of `key` (limit `max` per `windowMs`) and answers every instance's count as known now. */
  hit(key: string, windowMs: number, max: number): { count: number; resetAt: number } {
    const now = this.now()
    let entry = this.entries.get(key)
    if (!entry || entry.resetAt <= now) {
      // hits of an ended window that were never sent are of no use to anyone: dropped with it
      this.entries.delete(key)
      entry = { resetAt: now + windowMs, max, own: 0, sent: 0, others: 0 }
      this.entries.set(key, entry)
    }
    entry.max = max
    entry.own += 1
    const count = entry.others + entry.own
    if (2 * count >= max) this.hot.add(key)
    else if (entry.own >= SHARED_FROM_HIT) this.pending.add(key)
    return { count, resetAt: entry.resetAt }
  }

  /**
   * Sends the hits not yet shared and reads back the totals, in one statement (at most one sync runs at a time;
   * a call during one waits for it and then runs its own). Ended windows are forgotten.
   */
  async sync(): Promise<void> {
    // a sync that failed is the caller's who started it; this one still runs its own
    while (this.syncing) await this.syncing.catch(() => undefined)
    this.syncing = this.syncOnce().finally(() => {
      this.syncing = null
    })
    return this.syncing
  }

  private async syncOnce(): Promise<void> {
    const now = this.now()
    this.prune(now)
    const chosen = new Map<string, Entry>()
    for (const keys of [this.pending, this.hot]) {
      for (const key of keys) {
        const entry = this.entries.get(key)
        if (entry && entry.resetAt > now) chosen.set(key, entry)
        else this.hot.delete(key)
      }
    }
    const batch = [...chosen].map(([key, entry]) => ({
      key,
      entry,
      hits: entry.own - entry.sent,
      resetAt: entry.resetAt,
    }))
    this.pending.clear()
    // one lock order for every instance's statements: two syncs touching the same keys cannot deadlock
    batch.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    for (let start = 0; start < batch.length; start += MAX_KEYS_PER_STATEMENT) {
      const part = batch.slice(start, start + MAX_KEYS_PER_STATEMENT)
      try {
        await this.send(part, chosen, now)
      } catch (e) {
        // not shared after all: sent again with the next sync
        for (const { key, entry, hits } of batch.slice(start)) {
          if (hits > 0 && this.entries.get(key) === entry) this.pending.add(key)
        }
        throw e
      }
    }
  }

  private async send(
    part: Array<CounterBatchEntry & { entry: Entry }>,
    chosen: Map<string, Entry>,
    now: number,
  ): Promise<void> {
    for (const { entry, hits } of part) entry.sent += hits
    let totals: SharedCount[]
    try {
      totals = await this.store.addHits(
        part.map(({ key, hits, resetAt }) => ({ key, hits, resetAt })),
        now,
      )
    } catch (e) {
      for (const { entry, hits } of part) entry.sent -= hits
      throw e
    }
    for (const shared of totals) {
      const entry = this.entries.get(shared.key)
      // a window that ended and restarted locally while the statement ran: its figures are not these
      if (!entry || entry !== chosen.get(shared.key)) continue
      // the shared window is the one that counts (another instance may have opened it first)
      entry.resetAt = shared.resetAt
      // a shared row restarted under us holds fewer than our sent hits: ours stay counted locally (stricter)
      entry.others = Math.max(0, shared.count - entry.sent)
      if (2 * (entry.others + entry.own) >= entry.max) this.hot.add(shared.key)
    }
  }

  /** Forgets ended windows, from the oldest, up to the first still running (any left are caught by later calls). */
  private prune(now: number): void {
    for (const [key, entry] of this.entries) {
      if (entry.resetAt > now) return
      this.entries.delete(key)
      this.pending.delete(key)
      this.hot.delete(key)
    }
  }

  /** keys held (tests, diagnostics) */
  get size(): number {
    return this.entries.size
  }
}
