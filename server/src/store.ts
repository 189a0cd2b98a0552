import Datastore from '@seald-io/nedb'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'

/**
 * The login server's data: users (one per openid), login sessions (what an access token's `sid` names) and
 * each user's latest WeChat session_key. NeDB keeps it in one process, in memory or in files under
 * WEAUTH_DATA_DIR; a production deployment swaps this class for its own database with the same methods.
 */
export interface UserRecord {
  _id: string
  openid: string
  unionid: string | null
  nickName: string
  avatarUrl: string
  phoneNumber: string | null
  countryCode: string | null
  createdAt: Date
  lastLoginAt: Date
  loginCount: number
  privacyConsentAt: Date | null
  privacyConsentVersion: string | null
  status: 'active' | 'banned'
}

export interface SessionRecord {
  _id: string
  userId: string
  createdAt: Date
  expiresAt: Date
  revokedAt: Date | null
}

/** Kept apart from users so nothing that reads or returns a user record can carry the session_key along. */
interface WeChatSessionRecord {
  _id: string // openid
  sessionKey: string
  updatedAt: Date
}

const newId = () => randomBytes(12).toString('hex')

const isUniqueViolation = (e: unknown) => (e as { errorType?: string })?.errorType === 'uniqueViolated'

export class AuthStore {
  private constructor(
    private readonly users: Datastore<UserRecord>,
    private readonly sessions: Datastore<SessionRecord>,
    private readonly wechatSessions: Datastore<WeChatSessionRecord>,
  ) {}

  static async open(dataDir?: string): Promise<AuthStore> {
    const make = <T>(name: string) =>
      new Datastore<T>(dataDir ? { filename: join(dataDir, `${name}.db`), autoload: false } : { inMemoryOnly: true })
    const store = new AuthStore(
      make<UserRecord>('users'),
      make<SessionRecord>('sessions'),
      make<WeChatSessionRecord>('wechat-sessions'),
    )
    await Promise.all([
      store.users.loadDatabaseAsync(),
      store.sessions.loadDatabaseAsync(),
      store.wechatSessions.loadDatabaseAsync(),
    ])
    await store.users.ensureIndexAsync({ fieldName: 'openid', unique: true })
    await store.sessions.ensureIndexAsync({ fieldName: 'userId' })
    return store
  }

  /**
   * Finds the user by openid or creates them; counts the login and records consent to a new privacy policy
   * version. Two concurrent first logins of one openid leave one record (unique index, then update).
   */
  async upsertOnLogin(input: {
    openid: string
    unionid?: string
    consentVersion?: string
    now: Date
  }): Promise<{ user: UserRecord; isNew: boolean }> {
    const existing = await this.users.findOneAsync({ openid: input.openid })
    if (!existing) {
      const record: UserRecord = {
        _id: newId(),
        openid: input.openid,
        unionid: input.unionid ?? null,
        nickName: '',
        avatarUrl: '',
        phoneNumber: null,
        countryCode: null,
        createdAt: input.now,
        lastLoginAt: input.now,
        loginCount: 1,
        privacyConsentAt: input.consentVersion ? input.now : null,
        privacyConsentVersion: input.consentVersion ?? null,
        status: 'active',
      }
      try {
        return { user: await this.users.insertAsync(record), isNew: true }
      } catch (e) {
        if (!isUniqueViolation(e)) throw e
        // a concurrent first login created the record: sign in to it
      }
    }
    const current = existing ?? (await this.users.findOneAsync({ openid: input.openid }))
    if (!current) throw new Error('user vanished during login')
    if (current.status === 'banned') return { user: current, isNew: false }
    const set: Partial<UserRecord> = { lastLoginAt: input.now }
    if (input.unionid) set.unionid = input.unionid
    if (input.consentVersion && input.consentVersion !== current.privacyConsentVersion) {
      set.privacyConsentAt = input.now
      set.privacyConsentVersion = input.consentVersion
    }
    const { affectedDocuments } = await this.users.updateAsync(
      { _id: current._id },
      { $set: set, $inc: { loginCount: 1 } },
      { returnUpdatedDocs: true },
    )
    return { user: affectedDocuments as unknown as UserRecord, isNew: false }
  }

  async userById(id: string): Promise<UserRecord | null> {
    return this.users.findOneAsync({ _id: id })
  }

  async userByOpenid(openid: string): Promise<UserRecord | null> {
    return this.users.findOneAsync({ openid })
  }

  async updateUser(id: string, changes: Partial<Omit<UserRecord, '_id' | 'openid'>>): Promise<UserRecord | null> {
    const { affectedDocuments } = await this.users.updateAsync(
      { _id: id },
      { $set: changes },
      { returnUpdatedDocs: true },
    )
    return (affectedDocuments as unknown as UserRecord | null) ?? null
  }

  /** Deletes the user, their login sessions and their session_key. */
  async deleteUser(id: string): Promise<boolean> {
    const user = await this.userById(id)
    if (!user) return false
    await Promise.all([
      this.users.removeAsync({ _id: id }, {}),
      this.sessions.removeAsync({ userId: id }, { multi: true }),
      this.wechatSessions.removeAsync({ _id: user.openid }, {}),
    ])
    return true
  }

  async createSession(userId: string, now: Date, expiresAt: Date): Promise<SessionRecord> {
    // expired sessions are of no use to anyone: drop them as new ones are made
    await this.sessions.removeAsync({ expiresAt: { $lt: now } }, { multi: true })
    return this.sessions.insertAsync({ _id: newId(), userId, createdAt: now, expiresAt, revokedAt: null })
  }

  async sessionById(sid: string): Promise<SessionRecord | null> {
    return this.sessions.findOneAsync({ _id: sid })
  }

  async revokeSession(sid: string, now: Date): Promise<void> {
    await this.sessions.updateAsync({ _id: sid, revokedAt: null }, { $set: { revokedAt: now } }, {})
  }

  /** The latest session_key WeChat gave for this user: what their next open data is encrypted with. */
  async saveSessionKey(openid: string, sessionKey: string, now: Date): Promise<void> {
    await this.wechatSessions.updateAsync(
      { _id: openid },
      { _id: openid, sessionKey, updatedAt: now },
      { upsert: true },
    )
  }

  async sessionKeyOf(openid: string): Promise<string | null> {
    return (await this.wechatSessions.findOneAsync({ _id: openid }))?.sessionKey ?? null
  }

  async countUsers(): Promise<number> {
    return this.users.countAsync({})
  }
}
