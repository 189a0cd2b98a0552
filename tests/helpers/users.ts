import { PRIVACY_POLICY_VERSION } from '../../packages/contract/privacy-policy'
import type { Emulator, WeChatAccount } from '../../emulator/src'
import { callFunction, documents } from './emulator'

export const CONSENT = { consentVersion: PRIVACY_POLICY_VERSION }

/** A simulated WeChat user who has logged in (and, unless told otherwise, accepted the privacy policy). */
export async function loggedInUser(
  emulator: Emulator,
  { consent = true, ...account }: { consent?: boolean; phoneNumber?: string; nickName?: string } = {},
) {
  const wechat: WeChatAccount = await emulator.accounts.create(account)
  const login = await callFunction(emulator, wechat, 'login', consent ? CONSENT : {})
  if (!login.ok) throw new Error(`login failed: ${JSON.stringify(login)}`)
  return { wechat, userId: login.user.id as string }
}

export async function userRecord(emulator: Emulator, openid: string) {
  const mine = (await documents(emulator, 'users')).filter((u) => u._openid === openid)
  if (mine.length > 1) throw new Error(`${mine.length} records for one openid`)
  return mine[0]
}

/** Uploads bytes as the mini program of this account would (wx.cloud.uploadFile). */
export async function uploadAs(
  emulator: Emulator,
  account: WeChatAccount,
  cloudPath: string,
  bytes = Buffer.from('avatar-bytes'),
) {
  const reply = await emulator.client('storage.clientUpload', account.token, {
    cloudPath,
    fileContent: bytes.toString('base64'),
  })
  if (!reply.ok) throw new Error(`upload failed: ${reply.errMsg}`)
  return reply.fileID as string
}

export async function storedPaths(emulator: Emulator, prefix = ''): Promise<string[]> {
  return (await emulator.storage.list(prefix)).map((f) => f.cloudPath)
}
