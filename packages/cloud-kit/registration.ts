import type { DB } from 'wx-server-sdk'
import { PRIVACY_POLICY_VERSION } from '../contract/privacy-policy'
import type { UserRecord } from './users'

/** What a first login writes: one record, in one write (so login + phone in phoneLogin is atomic). */
export function newUserRecord(
  db: DB.Database,
  who: { openid: string; appid: string; unionid: string | null },
  extra: { consented: boolean; riskRank: number | null; phone?: { phoneNumber: string; countryCode: string } },
): Omit<UserRecord, '_id' | 'createdAt' | 'lastLoginAt' | 'privacyConsentAt' | 'updatedAt'> & Record<string, unknown> {
  const now = db.serverDate()
  return {
    _openid: who.openid,
    appid: who.appid,
    unionid: who.unionid,
    createdAt: now,
    lastLoginAt: now,
    updatedAt: now,
    loginCount: 1,
    nickName: '',
    avatarFileId: '',
    phoneNumber: extra.phone?.phoneNumber ?? null,
    countryCode: extra.phone?.countryCode ?? null,
    privacyConsentAt: extra.consented ? now : null,
    privacyConsentVersion: extra.consented ? PRIVACY_POLICY_VERSION : null,
    role: 'user',
    status: 'active',
    staleFiles: [],
    riskRank: extra.riskRank,
  }
}

/** The record as it reads right after the write (server dates are only known to the database). */
export function asWritten(record: Record<string, unknown>, id: string): UserRecord {
  const at = new Date()
  return {
    ...(record as unknown as UserRecord),
    _id: id,
    createdAt: at,
    lastLoginAt: at,
    privacyConsentAt: record.privacyConsentVersion ? at : null,
  }
}
