import type { DB } from 'wx-server-sdk'
import type { Fail } from '../contract/result'
import { createAccount, RESOLVE_ATTEMPTS, resolveAccount, type Caller } from './accounts'
import { eraseUser, notDurableReply } from './erase'
import { mergeAccounts } from './merge'
import { asWritten } from './registration'
import type { UserRecord } from './users'

/** What a first login prepares before the record is written (risk check, a phone exchange...): once per call. */
export type Prepared<P> = { record: Record<string, unknown>; extra: P } | { error: Fail }

export type Entered<P> =
  | { user: UserRecord; created: false; prepared?: { record: Record<string, unknown>; extra: P } }
  | { user: UserRecord; created: true; id: string; prepared: { record: Record<string, unknown>; extra: P } }
  | { error: Fail }

/**
 * The one way into an account, shared by login and phoneLogin: resolves the caller's account (accounts.ts, merging
 * where the unionid says so), finishes a deletion the user confirmed that did not complete (then this is a first
 * login), and otherwise creates the account with what `prepare` gives. A creation a deletion overtook is taken back
 * and resolved again, a bounded number of times (RESOLVE_ATTEMPTS). `prepare` runs at most once: what it spends
 * (a single-use phone code) is handed back in `prepared`, also when a concurrent login created the account first.
 */
export async function enterAccount<P>(
  db: DB.Database,
  caller: Caller,
  prepare: () => Promise<Prepared<P>>,
): Promise<Entered<P>> {
  const merge = (from: string, into: string) => mergeAccounts(db, from, into)
  let prepared: { record: Record<string, unknown>; extra: P } | undefined
  for (let attempt = 0; attempt < RESOLVE_ATTEMPTS; attempt++) {
    let resolved = await resolveAccount(db, caller, merge)
    if ('user' in resolved && resolved.user.status === 'deleting') {
      const erased = await eraseUser(db, resolved.user)
      if ('notDurable' in erased) return { error: notDurableReply(erased.notDurable) }
      resolved = await resolveAccount(db, caller, merge)
    }
    if ('user' in resolved) return { user: resolved.user, created: false, prepared }
    if (!prepared) {
      const made = await prepare()
      if ('error' in made) return made
      prepared = made
    }
    const outcome = await createAccount(db, resolved.createAs, prepared.record)
    if ('existing' in outcome) return { user: outcome.existing, created: false, prepared }
    if ('created' in outcome) {
      return { user: asWritten(prepared.record, resolved.createAs), created: true, id: resolved.createAs, prepared }
    }
  }
  throw new Error('a deletion kept overtaking the creation of this account')
}
