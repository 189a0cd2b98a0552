import type { DB } from 'wx-server-sdk'
import { getDoc, IDENTITIES, MERGES } from './accounts'
import { filesOf, USERS, type UserRecord } from './users'
import { consentFields, consentOf, consentsByApp } from './consents'

/**
 * Merges an account made by openid alone (before its mini program was bound to the Open Platform) into the account
 * its unionid leads to, when the person signs in with that unionid. Deterministic: the unionid's account survives
 * (its claim is the organisation-wide identity, first come, never reassigned) and keeps every profile field it has;
 * fields it lacks are filled from the merged account (nickname, avatar, phone + country code together, each mini
 * program's consent + its version together, consents.ts); the earlier `createdAt` is kept; login counts are summed; a ban on either account stays;
 * `role` is the survivor's (a merge never grants rights). Files are referenced, not copied: the merged account's
 * avatar becomes the survivor's avatar when it has none, else one of its `staleFiles`, so deletion removes it.
 *
 * Crash-safe and idempotent, step by step (a fault at any step leaves a state the next login finishes):
 * 1. record the merge with a snapshot of the merged account (`accountMerges/<from>><into>`, add; exists = resume);
 * 2. fold the snapshot into the survivor, once: the update is conditional on `mergedFrom` not holding `from` yet;
 * 3. remove the merged account's record;
 * 4. mark the record done and drop the snapshot (it holds personal data);
 * 5. point the merged account's identities at the survivor. Until then its openid still leads to `from`, whose
 *    missing record and the unionid's claim bring the next login back here, which redoes only what is left.
 */
export async function mergeAccounts(db: DB.Database, from: string, into: string): Promise<void> {
  const _ = db.command
  const id = `${from}>${into}`
  const merges = db.collection(MERGES)
  let record = await getDoc<MergeRecord>(db, MERGES, id)
  if (!record) {
    const source = await getDoc<UserRecord>(db, USERS, from)
    const data = { from, into, state: 'started', source: source ? snapshot(source) : null, startedAt: db.serverDate() }
    try {
      await merges.add({ data: { _id: id, ...data } })
    } catch (e) {
      // a concurrent login of the same person recorded it first: resume theirs
      record = await getDoc<MergeRecord>(db, MERGES, id)
      if (!record) throw e
    }
    record ??= { _id: id, ...data, startedAt: new Date() } as unknown as MergeRecord
  }
  // a merge marked done has folded and removed everything: only pointing the identities may be left to do
  const source = record.state === 'done' ? null : record.source
  if (source) {
    const survivor = await getDoc<UserRecord>(db, USERS, into)
    if (!survivor) throw new Error(`merge ${id}: the surviving account is missing`)
    if (!(survivor.mergedFrom ?? []).includes(from)) {
      await users(db)
        .where({ _id: into, mergedFrom: _.nin([from]) })
        .update({
          data: { ...fold(survivor, source, db), loginCount: _.inc(source.loginCount), mergedFrom: _.push([from]) },
        })
    }
  }
  await users(db).where({ _id: from }).remove()
  if (record.state !== 'done') {
    await merges.doc(id).update({ data: { state: 'done', source: null, doneAt: db.serverDate() } })
  }
  await db
    .collection(IDENTITIES)
    .where({ userId: from })
    .update({ data: { userId: into } })
}

interface MergeRecord {
  _id: string
  from: string
  into: string
  state: 'started' | 'done'
  source: Snapshot | null
}

type Snapshot = Pick<
  UserRecord,
  | 'nickName'
  | 'avatarFileId'
  | 'phoneNumber'
  | 'countryCode'
  | 'privacyConsentAt'
  | 'privacyConsentVersion'
  | 'appid'
  | 'appConsents'
  | 'loginCount'
  | 'createdAt'
  | 'status'
  | 'staleFiles'
>

function snapshot(user: UserRecord): Snapshot {
  const { nickName, avatarFileId, phoneNumber, countryCode, privacyConsentAt, privacyConsentVersion } = user
  const { loginCount, createdAt, status, staleFiles, appid, appConsents } = user
  return {
    appid,
    appConsents: appConsents ?? {},
    nickName,
    avatarFileId,
    phoneNumber,
    countryCode,
    privacyConsentAt,
    privacyConsentVersion,
    loginCount: Number(loginCount) || 0,
    createdAt,
    status,
    staleFiles: staleFiles ?? [],
  }
}

/** What the survivor takes from the merged account: only what it lacks (see the rules above). */
function fold(survivor: UserRecord, source: Snapshot, db: DB.Database): Record<string, unknown> {
  const data: Record<string, unknown> = { updatedAt: db.serverDate() }
  if (!survivor.nickName && source.nickName) data.nickName = source.nickName
  const stale = [...(survivor.staleFiles ?? []), ...filesOf(source)]
  if (!survivor.avatarFileId && source.avatarFileId) {
    data.avatarFileId = source.avatarFileId
    stale.splice(stale.indexOf(source.avatarFileId), 1)
  }
  data.staleFiles = [...new Set(stale)]
  if (!survivor.phoneNumber && source.phoneNumber) {
    data.phoneNumber = source.phoneNumber
    data.countryCode = source.countryCode
  }
  // consent is per mini program (consents.ts): each app's consent the survivor lacks is taken over, with its time
  for (const [appid, given] of Object.entries(consentsByApp(source))) {
    if (!consentOf(survivor, appid)) Object.assign(data, consentFields(survivor, appid, given))
  }
  if (source.createdAt && new Date(source.createdAt) < new Date(survivor.createdAt)) {
    data.createdAt = new Date(source.createdAt)
  }
  if (source.status === 'banned') data.status = 'banned'
  return data
}

const users = (db: DB.Database) => db.collection(USERS)
