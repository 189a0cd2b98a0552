import { adminSdk } from './emulator'
import { AUTH_SERVER_ORIGIN, HTTP_WEAPP_DIST, useAuthServer, type AuthServerHandle } from './http-auth'
import { launch, type LaunchOptions, type MiniProgram } from './miniprogram'
import { storedPaths, userRecord } from './users'
import type { Emulator } from '../../emulator/src'

/**
 * The two builds every page test runs on: dist/ (WeChat Cloud: the cloud functions on the emulator) and
 * test-output/weapp-http/ (TARO_APP_AUTH_PROVIDER=http: the reference server in server/, which exchanges codes
 * at the emulator's jscode2session). A test reads the backend's state through this one interface, so the same
 * test body asserts the same behaviour on both; where the two legitimately differ, `backend.name` says which.
 */
export type BackendName = 'cloud' | 'http'

/** A user record as either backend keeps it, in the fields the pages show or change. */
export interface BackendUser {
  id: string
  nickName: string
  /** cloud: the avatar's cloud:// fileID; http: the server's avatar URL */
  avatar: string
  phoneNumber: string | null
  loginCount: number
  privacyConsentAt: unknown
  privacyConsentVersion: string | null
}

/** The actions the pages take, named once; each backend maps them to its round trip. */
export type BackendAction = 'login' | 'phoneLogin' | 'bindPhone' | 'saveProfile' | 'consent' | 'deleteAccount'

export interface PageBackend {
  name: BackendName
  /** launches the compiled build of this backend */
  launch(options: Omit<LaunchOptions, 'dist' | 'request' | 'emulator'>): Promise<MiniProgram>
  /** the backend's record of this WeChat user (throws on more than one) */
  user(openid: string): Promise<BackendUser | undefined>
  /** how many stored avatar files (cloud storage objects / server avatar rows) this user id has */
  avatarFiles(userId: string): Promise<number>
  /** what a saved avatar reference looks like for this user */
  avatarPattern(userId: string): RegExp
  /** the backend round trips among a device's wx calls */
  backendCalls(calls: string[]): string[]
  /** the call one action makes */
  callOf(action: BackendAction): string
  /** the next sign-ins fail on the backend side `times` times (a tap makes up to 3 attempts) */
  failNextLogin(times?: number): void
  /** the next tap's sign-in times out (every attempt it makes) */
  timeOutNextLogin(): void
  /** what an earlier policy version's acceptance looks like in the backend's record */
  setConsentVersion(openid: string, version: string): Promise<void>
  /** makes the nickname check (WeChat's msgSecCheck) refuse these words */
  refuseWords(words: string[]): void
}

const CLOUD_CALLS: Record<BackendAction, string> = {
  login: 'cloud.callFunction:login',
  phoneLogin: 'cloud.callFunction:phoneLogin',
  bindPhone: 'cloud.callFunction:bindPhone',
  saveProfile: 'cloud.callFunction:updateProfile',
  consent: 'cloud.callFunction:consent',
  deleteAccount: 'cloud.callFunction:deleteAccount',
}

const HTTP_CALLS: Record<BackendAction, string> = {
  login: 'request:POST /auth/login',
  phoneLogin: 'request:POST /auth/phone-login',
  bindPhone: 'request:POST /auth/phone',
  saveProfile: 'request:POST /auth/profile',
  consent: 'request:POST /auth/consent',
  deleteAccount: 'request:DELETE /auth/me',
}

function cloudBackend(emulator: () => Emulator): PageBackend {
  return {
    name: 'cloud',
    launch: (options) => launch({ ...options, emulator: emulator() }),
    async user(openid) {
      const r = await userRecord(emulator(), openid)
      if (!r) return undefined
      return {
        id: r._id,
        nickName: r.nickName,
        avatar: r.avatarFileId,
        phoneNumber: r.phoneNumber ?? null,
        loginCount: r.loginCount,
        privacyConsentAt: r.privacyConsentAt ?? null,
        privacyConsentVersion: r.privacyConsentVersion ?? null,
      }
    },
    avatarFiles: async (userId) => (await storedPaths(emulator(), `users/${userId}/`)).length,
    avatarPattern: (userId) => new RegExp(`^cloud://.+/users/${userId}/avatar-\\d+\\.png$`),
    backendCalls: (calls) => calls.filter((c) => c.startsWith('cloud.callFunction')),
    callOf: (action) => CLOUD_CALLS[action],
    failNextLogin: (times = 3) =>
      emulator().faults.add({
        service: 'functions',
        action: 'login',
        error: { code: 'FUNCTIONS_EXECUTE_FAIL', message: 'injected' },
        times,
      }),
    // the function's 3 s limit is a backend failure: the tap's 3 attempts all time out
    timeOutNextLogin: () =>
      emulator().faults.add({
        service: 'functions',
        action: 'login',
        error: { code: 'FUNCTIONS_TIME_LIMIT_EXCEEDED', message: 'Invoking task timed out after 3 seconds' },
        times: 3,
      }),
    async setConsentVersion(openid, version) {
      const record = await userRecord(emulator(), openid)
      await adminSdk(emulator())
        .database()
        .collection('users')
        .doc(record._id)
        .update({ data: { privacyConsentVersion: version } })
    },
    refuseWords: (words) => emulator().openapi.fixtures.addRiskyWords(words),
  }
}

function httpBackend(emulator: () => Emulator, server: AuthServerHandle): PageBackend {
  return {
    name: 'http',
    launch: (options) => launch({ ...options, emulator: emulator(), dist: HTTP_WEAPP_DIST, request: server.request }),
    async user(openid) {
      const r = await server.server().userByOpenid(openid)
      if (!r) return undefined
      return {
        id: r.id,
        nickName: r.nickName,
        avatar: r.avatarUrl,
        phoneNumber: r.phoneNumber,
        loginCount: r.loginCount,
        privacyConsentAt: r.privacyConsentAt,
        privacyConsentVersion: r.privacyConsentVersion,
      }
    },
    async avatarFiles(userId) {
      const [row] = await server
        .server()
        .query<{ n: number }>('SELECT count(*)::int AS n FROM avatars WHERE user_id = $1', [userId])
      return row.n
    },
    avatarPattern: () => new RegExp(`^${AUTH_SERVER_ORIGIN.replace(/\./g, '\\.')}/avatars/[0-9a-f]{24}$`),
    backendCalls: (calls) => calls.filter((c) => c.startsWith('request:') || c.startsWith('uploadFile:')),
    callOf: (action) => HTTP_CALLS[action],
    // WeChat's side fails: jscode2session answers -1, the server answers 502 UPSTREAM
    failNextLogin: (times = 3) =>
      emulator().faults.add({
        service: 'auth',
        action: 'jscode2session',
        wxErrcode: { errcode: -1, errmsg: 'system error' },
        times,
      }),
    // the device's wx.request gives up (request:fail timeout) before the server answers: the client's own
    // timeout is not retried (src/services/auth/auth-service.ts), so one attempt
    timeOutNextLogin: () => server.failNext('timeout', 1),
    async setConsentVersion(openid, version) {
      const user = await server.server().userByOpenid(openid)
      await server.server().query('UPDATE users SET privacy_consent_version = $2 WHERE id = $1', [user!.id, version])
    },
    refuseWords: (words) => emulator().openapi.fixtures.addRiskyWords(words),
  }
}

/**
 * Both backends for this test file's emulator (the reference server starts once for the file):
 * `describe.each(usePageBackends(emulator))('… (%s)', (_name, backend) => …)`.
 */
export function usePageBackends(emulator: () => Emulator): Array<[BackendName, PageBackend]> {
  const server = useAuthServer(emulator)
  return [
    ['cloud', cloudBackend(emulator)],
    ['http', httpBackend(emulator, server)],
  ]
}
