/**
 * Retries an operation that is safe to repeat (idempotent on the server: login's upsert, updateProfile's
 * set) after a transient failure, waiting a little longer each time so a struggling backend is not
 * hammered. Operations that are not safe to repeat (bindPhone spends a single-use code) never come here.
 */
export interface RetryPolicy {
  /** waits before the 2nd, 3rd, ... attempt; its length + 1 is the number of attempts */
  backoffMs: readonly number[]
  /** whether this failure may go away on its own */
  retryable: (error: unknown) => boolean
}

/** Two retries, after 300 ms and 900 ms: a blip is absorbed, a real outage shows its message within ~1.5 s. */
export const TRANSIENT_BACKOFF_MS = [300, 900] as const

export async function withRetry<T>(operation: () => Promise<T>, policy: RetryPolicy): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation()
    } catch (e) {
      if (attempt >= policy.backoffMs.length || !policy.retryable(e)) throw e
      await new Promise((resolve) => setTimeout(resolve, policy.backoffMs[attempt]))
    }
  }
}
