import { authService, type User } from '../auth'
import { WeAuthError } from '../../../packages/contract/errors'
import { configuredBackend, type DeletedAccount } from '../backend'

export type { DeletedAccount } from '../backend'

export interface ProfileDraft {
  /** the temp path from open-type="chooseAvatar", when the user picked a new avatar */
  avatarTempPath?: string
  nickName?: string
}

/** Saves the profile through the build's backend (cloud storage + updateProfile, or your own server). */
export async function saveProfile(user: User, draft: ProfileDraft): Promise<User> {
  const saved = await configuredBackend.saveProfile(user, {
    nickName: draft.nickName !== undefined ? draft.nickName.trim() : undefined,
    avatarTempPath: draft.avatarTempPath || undefined,
  })
  authService.update(saved)
  return saved
}

/** The detail of the getphonenumber button event. */
export interface PhoneNumberDetail {
  errMsg?: string
  code?: string
  cloudID?: string
  encryptedData?: string
  iv?: string
}

/** Binds the phone number behind a getPhoneNumber button tap; the number is exchanged server-side. */
export async function bindPhone(detail: PhoneNumberDetail): Promise<User> {
  if (!detail || !/:ok$/.test(detail.errMsg ?? '')) {
    throw new WeAuthError('PHONE_DENIED')
  }
  const user = await configuredBackend.bindPhone(
    detail.code
      ? { code: detail.code }
      : { cloudId: detail.cloudID, encryptedData: detail.encryptedData, iv: detail.iv },
  )
  authService.update(user)
  return user
}

/** Deletes the account on the server, then forgets the login state on this device. */
export async function deleteAccount(): Promise<DeletedAccount> {
  const deleted = await configuredBackend.deleteAccount()
  authService.logout()
  return deleted
}
