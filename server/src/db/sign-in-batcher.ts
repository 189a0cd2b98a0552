import type { LoginOutcome } from './store'
import type { Queryable } from './database'
import { prepareSignIn, signInMany, signInPrepared, type PreparedSignIn, type SignInInput } from './sign-in'

interface Waiting {
  prepared: PreparedSignIn
  resolve(outcome: LoginOutcome): void
  reject(error: unknown): void
}

/**
 * Group commit for sign-ins. At most `maxInFlight` sign-in statements are with the database at a time; the logins
 * that arrive meanwhile wait and leave together, up to `maxBatch`, in one call of weauth_sign_in_batch (one round
 * trip, one transaction, one commit). Alone, a login leaves at once: batching adds no wait, it only fills the
 * round trips that would have queued for a connection anyway. A login is answered only once the statement that
 * carried it has committed. If a batch fails (one sign-in refused by the database rolls back all of them), each of
 * its logins is run alone, so a failure is only ever the failing login's own.
 */
export class SignInBatcher {
  private readonly waiting: Waiting[] = []
  private inFlight = 0

  constructor(
    private readonly db: Queryable,
    private readonly options: { maxInFlight: number; maxBatch: number } = { maxInFlight: 2, maxBatch: 32 },
  ) {}

  signIn(input: SignInInput): Promise<LoginOutcome> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ prepared: prepareSignIn(input), resolve, reject })
      this.pump()
    })
  }

  private pump(): void {
    while (this.inFlight < this.options.maxInFlight && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.options.maxBatch)
      this.inFlight += 1
      void this.run(batch).finally(() => {
        this.inFlight -= 1
        this.pump()
      })
    }
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
