/**
 * What an account deletion removed, as both backends answer it (deleteAccount, DELETE /auth/me) and the
 * deletion page shows it until the user dismisses it: counts, the files, the kinds of data in words, and when.
 */
export interface DeletionReceipt {
  users: number
  /** the stored files removed: cloud fileIDs, or the own server's avatar URLs */
  files: string[]
  /** what was removed, in the words the receipt shows */
  removed: string[]
  /** ISO time of the deletion */
  at: string
}

export function deletionReceipt(input: {
  users: number
  files: string[]
  nickName?: string | null
  phoneNumber?: string | null
  /** login sessions ended (own server; cloud mode keeps none) */
  sessions?: number
  at?: Date
}): DeletionReceipt {
  const removed = ['账号记录（各小程序的微信身份标识、登录记录、隐私政策同意记录）']
  if (input.nickName) removed.push('昵称')
  if (input.files.length) removed.push(`头像文件 ${input.files.length} 个`)
  if (input.phoneNumber) removed.push('手机号')
  if (input.sessions) removed.push(`登录会话 ${input.sessions} 个（所有设备均已退出）`)
  return { users: input.users, files: input.files, removed, at: (input.at ?? new Date()).toISOString() }
}
