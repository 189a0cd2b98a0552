import fc from 'fast-check'
import { callFunction, documents, useEmulator } from '../helpers/emulator'
import { recordFigures } from '../helpers/figures'
import { loggedInUser, userRecord } from '../helpers/users'

const emulator = useEmulator({ maxInstancesPerFunction: 8 })

const ERROR_CODES = [
  'INVALID_INPUT',
  'NOT_LOGGED_IN',
  'ACCOUNT_BANNED',
  'CONSENT_REQUIRED',
  'RISKY_CONTENT',
  'PHONE_CODE_INVALID',
  'PHONE_QUOTA',
  'RATE_LIMITED',
  'CONSENT_OUTDATED',
  'NICKNAME_EMPTY',
  'NICKNAME_TOO_LONG',
  'NICKNAME_CONTROL_CHAR',
  'NICKNAME_INVISIBLE_CHAR',
  'NICKNAME_BIDI_CHAR',
  'NICKNAME_BLANK_FILLER',
  'NICKNAME_BROKEN_TEXT',
  'NICKNAME_MARKUP',
  'DELETE_NOT_DURABLE',
  'UNLINK_NOT_DURABLE',
  'NOT_FOUND',
  'UPSTREAM',
]
const RUNS = 1000

/** Events that look like ours but are not: every known key, with any JSON value, plus junk keys. */
const malformedEvent = fc.record(
  {
    nickName: fc.oneof(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.anything()),
    avatarFileId: fc.oneof(fc.webUrl(), fc.constant('cloud://env.bucket/users/someone-else/a.png'), fc.anything()),
    code: fc.oneof(fc.string({ maxLength: 300 }), fc.anything()),
    cloudId: fc.anything(),
    confirm: fc.oneof(fc.constant('true'), fc.constant(1), fc.anything()),
    consentVersion: fc.oneof(fc.string({ maxLength: 40 }), fc.constant('2026-11'), fc.anything()),
    action: fc.oneof(fc.constantFrom('accept', 'withdraw', 'delete', 'preview', 'unlink'), fc.anything()),
    version: fc.oneof(fc.constant('2026-11'), fc.string({ maxLength: 40 })),
    MsgType: fc.oneof(fc.constant('event'), fc.string()),
    Event: fc.oneof(fc.constantFrom('user_authorization_revoke', 'user_authorization_cancellation'), fc.string()),
    OpenID: fc.string(),
    AppID: fc.string(),
    RevokeInfo: fc.oneof(fc.constantFrom('6', '8', '6,8'), fc.anything()),
    openid: fc.string(),
    _openid: fc.string(),
    userInfo: fc.anything(),
    extra: fc.string({ maxLength: 20_000 }),
  },
  { requiredKeys: [] },
)

/** The fields a rejected call must leave exactly as they were. */
const snapshot = (r: Record<string, unknown>) => JSON.stringify({ ...r, lastLoginAt: undefined, loginCount: undefined })

describe.each([
  'updateProfile',
  'bindPhone',
  'deleteAccount',
  'login',
  'consent',
  'phoneLogin',
  'userInfoChanges',
  'unlinkApp',
])('%s under 1,000 generated malformed events', (name) => {
  test('answers every one in the common shape, never crashes, and a rejection writes nothing', async () => {
    const { wechat } = await loggedInUser(emulator(), { phoneNumber: '13800000000' })
    let rejected = 0
    let accepted = 0
    let checked = 0
    await fc.assert(
      fc.asyncProperty(malformedEvent, async (event) => {
        const before = await userRecord(emulator(), wechat.openid)
        if (!before) return // an accepted deleteAccount removed the user: nothing left to corrupt
        const result = await callFunction(emulator(), wechat, name, JSON.parse(JSON.stringify(event)))
        expect(typeof result.ok).toBe('boolean')
        const after = await userRecord(emulator(), wechat.openid)
        checked++
        if (result.ok) {
          accepted++
          if (name === 'deleteAccount') expect(event.confirm).toBe(true)
          // only the preview (a read) or a confirmed unlink is accepted
          if (name === 'unlinkApp' && event.action !== 'preview') expect(event.confirm).toBe(true)
          return
        }
        rejected++
        expect(ERROR_CODES).toContain(result.code)
        expect(typeof result.message === 'string' && result.message.length > 0).toBe(true)
        expect(Object.keys(result).sort()).toEqual(['code', 'message', 'ok'])
        expect(after && snapshot(after)).toBe(snapshot(before))
      }),
      { numRuns: RUNS },
    )
    expect(checked).toBeGreaterThanOrEqual(name === 'deleteAccount' || name === 'unlinkApp' ? 1 : RUNS)
    recordFigures(`fuzz-${name}`, {
      guarantee: `${name}: malformed events are rejected in the common shape with no partial write`,
      test: `tests/cloudfunctions/hardening.test.ts › ${name}`,
      generated: RUNS,
      rejected,
      accepted,
      recordsChecked: checked,
      crashes: 0,
    })
    // 1,000 round trips through the emulator: a long-running test by design, given room on a busy machine
  }, 180_000)
})

describe('concurrency', () => {
  test('50 concurrent first logins of one openid leave one record with loginCount 50', async () => {
    const account = await emulator().accounts.create()
    const results = await Promise.all(Array.from({ length: 50 }, () => callFunction(emulator(), account, 'login')))
    const failures = results.filter((r) => !r.ok).length
    expect(failures).toBe(0)
    const mine = (await documents(emulator(), 'users')).filter((u) => u._openid === account.openid)
    expect(mine).toHaveLength(1)
    expect(mine[0].loginCount).toBe(50)
    recordFigures('concurrency-same-openid', {
      guarantee: 'concurrent first logins of one openid leave exactly one record, loginCount exact',
      test: 'tests/cloudfunctions/hardening.test.ts › 50 concurrent first logins',
      logins: 50,
      failures,
      records: mine.length,
      loginCount: mine[0].loginCount,
    })
  })

  test('1,000 distinct users logging in concurrently leave 1,000 records', async () => {
    const accounts = await Promise.all(Array.from({ length: 1000 }, () => emulator().accounts.create()))
    const started = Date.now()
    const results = await Promise.all(accounts.map((a) => callFunction(emulator(), a, 'login')))
    const ms = Date.now() - started
    const failures = results.filter((r) => !r.ok).length
    expect(failures).toBe(0)
    const openids = new Set(accounts.map((a) => a.openid))
    const records = (await documents(emulator(), 'users')).filter((u) => openids.has(u._openid))
    expect(records).toHaveLength(1000)
    expect(records.every((r) => r.loginCount === 1)).toBe(true)
    recordFigures('concurrency-distinct-users', {
      guarantee: '1,000 distinct users logging in concurrently leave 1,000 records',
      test: 'tests/cloudfunctions/hardening.test.ts › 1,000 distinct users',
      logins: 1000,
      failures,
      records: records.length,
      wallMs: ms,
    })
  }, 120_000)
})
