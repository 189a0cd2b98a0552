import type { LoginOutcome } from './store'
import type { Queryable } from './database'
import { prepareSignIn, signInMany, signInPrepared, type PreparedSignIn, type SignInInput } from './sign-in'

interface Waiting {
  prepared: PreparedSignIn
  resolve(outcome: LoginOutcome): void
  reject(error: unknown): void
}

export interface BatcherOptions {
  /** sign-in statements with the database at once, at most */
  maxInFlight: number
  /** logins in one statement, at most */
  maxBatch: number
  /**
   * A statement beyond the first starts only once the newest one out has been out this long, ms (it is waiting
   * on something: a row lock, a slow commit); until then the logins that arrive wait and leave together.
   * 0: up to maxInFlight at once.
   */
  stallMs: number
}

/**
 * Group commit for sign-ins. One sign-in statement is with the database at a time; the logins that arrive
 * meanwhile wait and leave together, up to `maxBatch`, in one call of weauth_sign_in_batch (one round trip, one
 * transaction, one commit). Alone, a login leaves at once: batching adds no wait, it only fills the round trips
 * that would have queued anyway. A statement that stays out longer than `stallMs` lets another start beside it
 * (up to `maxInFlight`), so logins are not held up behind one that waits on a lock. A login is answered only
 * once the statement that carried it has committed. If a batch fails (one sign-in refused by the database rolls
 * back all of them), each of its logins is run alone, so a failure is only ever the failing login's own.
 */
export class SignInBatcher {
  private readonly waiting: Waiting[] = []
  private inFlight = 0
  /** when the newest statement out started (performance.now()) */
  private newestStart = 0
  private stallTimer: NodeJS.Timeout | null = null

  constructor(
    private readonly db: Queryable,
    private readonly options: BatcherOptions = { maxInFlight: 2, maxBatch: 32, stallMs: 25 },
  ) {}

  signIn(input: SignInInput): Promise<LoginOutcome> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ prepared: prepareSignIn(input), resolve, reject })
      this.pump()
    })
  }

  private pump(): void {
    while (this.waiting.length > 0 && this.inFlight < this.options.maxInFlight) {
      if (this.inFlight > 0 && this.options.stallMs > 0) {
        const stalledIn = this.newestStart + this.options.stallMs - performance.now()
        if (stalledIn > 0) return this.pumpAfter(stalledIn)
      }
      const batch = this.waiting.splice(0, this.options.maxBatch)
      this.inFlight += 1
      this.newestStart = performance.now()
      void this.run(batch).finally(() => {
        this.inFlight -= 1
        this.pump()
      })
    }
  }

  /** Looks again once the statements out may count as stalled (unless one ends first, which looks again too). */
  private pumpAfter(ms: number): void {
    if (this.stallTimer) return
    this.stallTimer = setTimeout(() => {
      this.stallTimer = null
      this.pump()
    }, Math.ceil(ms))
    this.stallTimer.unref()
  }

  private async run(batch: Waiting[]): Promise<void> {
    if (batch.length > 1) {
      let outcomes: Array<LoginOutcome | Error> | null = null
      try {
        outcomes = await signInMany(
          this.db,
          batch.map((w) => w.prepared),
        )
      } catch {
        // nothing of the batch was committed: each login on its own below, so only a failing one fails
      }
      if (outcomes) {
        batch.forEach((w, i) => {
          const outcome = outcomes[i]
          if (outcome instanceof Error) w.reject(outcome)
          else w.resolve(outcome)
        })
        return
      }
    }
    await Promise.all(batch.map((w) => signInPrepared(this.db, w.prepared).then(w.resolve, w.reject)))
  }
}
