import Taro from '@tarojs/taro'
import { WeAuthError } from '../../../packages/contract/errors'
import type { User } from '../auth/types'
import { loginWithCloud } from '../auth/cloud-provider'
import { callCloud } from '../cloud-call'
import { PRIVACY_POLICY_VERSION } from '../../config/privacy'
import type { Backend, DeletedAccount, Unlinked } from './backend'

const extensionOf = (path: string) => (/\.(png|jpe?g|webp|gif)$/i.exec(path)?.[1] ?? 'png').toLowerCase()

/**
 * WeChat Cloud: the identity rides on every call (cloud.getWXContext() in the functions), so there is no
 * credential to keep or revoke on the device.
 */
export const cloudBackend: Backend = {
  name: 'cloud',
  signIn: loginWithCloud,
  hasCredential: () => true,
  signOut: () => undefined,

  /**
   * Uploads a new avatar into the user's own storage folder and saves the profile through updateProfile.
   * If saving fails after the upload, the uploaded file is deleted again so no orphan stays behind.
   */
  async saveProfile(user, changes) {
    const data: Record<string, string> = {}
    if (changes.nickName !== undefined) data.nickName = changes.nickName
    let uploaded: string | undefined
    if (changes.avatarTempPath) {
      try {
        const res = await Taro.cloud.uploadFile({
          cloudPath: `users/${user.id}/avatar-${Date.now()}.${extensionOf(changes.avatarTempPath)}`,
          filePath: changes.avatarTempPath,
        })
        uploaded = res.fileID
      } catch {
        throw new WeAuthError('UPLOAD_FAILED')
      }
      data.avatarFileId = uploaded
    }
    try {
      const { user: saved } = await callCloud<{ user: User }>('updateProfile', data, { idempotent: true })
      return saved
    } catch (e) {
      if (uploaded) await Taro.cloud.deleteFile({ fileList: [uploaded] }).catch(() => undefined)
      throw e
    }
  },

  async bindPhone(proof) {
    const data = 'code' in proof ? { code: proof.code } : proof.cloudId ? { cloudId: proof.cloudId } : null
    if (!data) throw new WeAuthError('UNSUPPORTED', '当前微信版本不支持手机号授权，请升级微信')
    const { user } = await callCloud<{ user: User }>('bindPhone', data)
    return user
  },

  async deleteAccount() {
    const { deleted } = await callCloud<{ deleted: DeletedAccount }>('deleteAccount', { confirm: true })
    return deleted
  },

  async consent(action) {
    const data = action === 'accept' ? { action, version: PRIVACY_POLICY_VERSION } : { action }
    const { user } = await callCloud<{ user: User }>('consent', data)
    return user
  },

  // the unlinkApp function (cloudfunctions/unlinkApp): never retried, the page asks again on a failure
  unlink: {
    async linkedApps() {
      const { apps } = await callCloud<{ apps: number }>('unlinkApp', { action: 'preview' })
      return apps
    },
    async confirm() {
      const { unlinked } = await callCloud<{ unlinked: Unlinked }>('unlinkApp', { action: 'unlink', confirm: true })
      return unlinked
    },
  },

  async phoneLogin(proof, consent) {
    const data = 'code' in proof ? { code: proof.code } : proof.cloudId ? { cloudId: proof.cloudId } : null
    if (!data) throw new WeAuthError('UNSUPPORTED', '当前微信版本不支持手机号授权，请升级微信')
    try {
      await Taro.login()
    } catch {
      throw new WeAuthError('NETWORK')
    }
    // never retried: the phone code is single use
    const { user } = await callCloud<{ user: User }>('phoneLogin', { ...data, consentVersion: consent.consentVersion })
    return user
  },
}
