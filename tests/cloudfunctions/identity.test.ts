import { callFunction, documents, useEmulator } from '../helpers/emulator'
import { recordFigures } from '../helpers/figures'
import { loggedInUser, uploadAs, userRecord } from '../helpers/users'

/**
 * Identity comes only from cloud.getWXContext(): an attacker who puts the victim's openid in every field a
 * careless function might read acts on their own record, never the victim's.
 */
const emulator = useEmulator()

function forgedAs(openid: string) {
  return { openid, _openid: openid, OPENID: openid, userInfo: { openId: openid, appId: 'wxforged' }, userId: openid }
}

const snapshot = async (openid: string) => JSON.stringify(await userRecord(emulator(), openid))

test.each([
  ['login', async () => ({})],
  [
    'updateProfile',
    async (a: { wechat: any; userId: string }) => ({
      nickName: '冒名',
      avatarFileId: await uploadAs(emulator(), a.wechat, `users/${a.userId}/avatar-9.png`),
    }),
  ],
  [
    'bindPhone',
    async (a: { wechat: any }) => ({
      code: emulator().openapi.fixtures.issuePhoneCode(a.wechat.openid, {
        phoneNumber: '13911112222',
        countryCode: '86',
      }),
    }),
  ],
  ['deleteAccount', async () => ({ confirm: true })],
  // the attacker's only identity: unlinking it deletes the attacker's own account, never the victim's
  ['unlinkApp', async () => ({ action: 'unlink', confirm: true })],
])('%s: forged openid/_openid/userInfo in the event are ignored', async (name, payload) => {
  const victim = await loggedInUser(emulator(), { phoneNumber: '13800000000' })
  const attacker = await loggedInUser(emulator(), { phoneNumber: '13911112222' })
  const victimBefore = await snapshot(victim.wechat.openid)

  const result = await callFunction(emulator(), attacker.wechat, name, {
    ...(await payload(attacker)),
    ...forgedAs(victim.wechat.openid),
  })
  expect(result.ok).toBe(true)

  expect(await snapshot(victim.wechat.openid)).toBe(victimBefore)
  const users = await documents(emulator(), 'users')
  expect(users.filter((u) => u._openid === victim.wechat.openid)).toHaveLength(1)
  if (name === 'deleteAccount' || name === 'unlinkApp') {
    expect(users.some((u) => u._openid === attacker.wechat.openid)).toBe(false)
  } else expect(result.user.id).toBe(attacker.userId)

  recordFigures(`identity-${name}`, {
    guarantee: `${name}: the caller's identity comes only from the WeChat context; forged identity fields are ignored`,
    test: `tests/cloudfunctions/identity.test.ts › ${name}`,
    forgedFields: Object.keys(forgedAs('x')).length,
    victimRecordsChanged: 0,
  })
})
