import Taro from '@tarojs/taro'
import { authService, type User } from '../auth'
import { WeAuthError } from '../../../packages/contract/errors'
import { callCloud } from '../cloud-call'

export interface ProfileDraft {
  /** the temp path from open-type="chooseAvatar", when the user picked a new avatar */
  avatarTempPath?: string
  nickName?: string
}

const extensionOf = (path: string) => (/\.(png|jpe?g|webp|gif)$/i.exec(path)?.[1] ?? 'png').toLowerCase()

/**
 * Uploads a new avatar into the user's own storage folder and saves the profile through updateProfile.
 * If saving fails after the upload, the uploaded file is deleted again so no orphan stays behind.
 */
export async function saveProfile(user: User, draft: ProfileDraft): Promise<User> {
  const data: Record<string, string> = {}
  if (draft.nickName !== undefined) data.nickName = draft.nickName.trim()
  let uploaded: string | undefined
  if (draft.avatarTempPath) {
    try {
      const res = await Taro.cloud.uploadFile({
        cloudPath: `users/${user.id}/avatar-${Date.now()}.${extensionOf(draft.avatarTempPath)}`,
        filePath: draft.avatarTempPath,
      })
      uploaded = res.fileID
    } catch {
      throw new WeAuthError('UPLOAD_FAILED')
    }
    data.avatarFileId = uploaded
  }
  try {
    const { user: saved } = await callCloud<{ user: User }>('updateProfile', data, { idempotent: true })
    authService.update(saved)
    return saved
  } catch (e) {
    if (uploaded) await Taro.cloud.deleteFile({ fileList: [uploaded] }).catch(() => undefined)
    throw e
  }
}

/** The detail of the getphonenumber button event. */
export interface PhoneNumberDetail {
  errMsg?: string
  code?: string
  cloudID?: string
}

/** Binds the phone number behind a getPhoneNumber button tap; the number is exchanged server-side. */
export async function bindPhone(detail: PhoneNumberDetail): Promise<User> {
  if (!detail || !/:ok$/.test(detail.errMsg ?? '')) {
    throw new WeAuthError('PHONE_DENIED')
  }
  const data = detail.code ? { code: detail.code } : detail.cloudID ? { cloudId: detail.cloudID } : null
  if (!data) throw new WeAuthError('UNSUPPORTED', '当前微信版本不支持手机号授权，请升级微信')
  const { user } = await callCloud<{ user: User }>('bindPhone', data)
  authService.update(user)
  return user
}

export interface DeletedAccount {
  users: number
  files: string[]
}

/** Deletes the account on the server, then forgets the login state on this device. */
export async function deleteAccount(): Promise<DeletedAccount> {
  const { deleted } = await callCloud<{ deleted: DeletedAccount }>('deleteAccount', { confirm: true })
  authService.logout()
  return deleted
}
