import { authService, type User } from '../auth'
import { PRIVACY_POLICY_VERSION } from '../../config/privacy'
import { phoneProofOf, type PhoneNumberDetail } from './phone-outcome'
import { keepReceipt, type Receipt } from './deletion-receipt'
import { configuredBackend } from '../backend'
import { WeAuthError } from '../../../packages/contract/errors'

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

export type { PhoneNumberDetail } from './phone-outcome'

/** Binds the phone number behind a getPhoneNumber button tap; the number is exchanged server-side. */
export async function bindPhone(detail: PhoneNumberDetail): Promise<User> {
  const user = await configuredBackend.bindPhone(phoneProofOf(detail))
  authService.update(user)
  return user
}

/** 手机号快捷登录 from the authorization page: the consent the person just ticked, and the phone button's event. */
export function phoneLogin(detail: PhoneNumberDetail): Promise<User> {
  return authService.loginWithPhone(phoneProofOf(detail), { consentVersion: PRIVACY_POLICY_VERSION })
}

/** Accepts the current privacy policy version (from the policy sheet's tap) or withdraws consent. */
export async function setConsent(action: 'accept' | 'withdraw'): Promise<User> {
  const user = await configuredBackend.consent(action)
  authService.update(user)
  return user
}

/** Whether this user has accepted the policy version the app shows now. */
export const consentIsCurrent = (user: Pick<User, 'consentVersion'> | null | undefined): boolean =>
  !!user && user.consentVersion === PRIVACY_POLICY_VERSION

/**
 * Deletes the account on the backend, keeps the receipt on the device (until dismissed), then forgets the login
 * state. A deletion the backend could not make durable rejects (DELETE_NOT_DURABLE) and changes nothing here.
 */
export async function deleteAccount(): Promise<Receipt> {
  const deleted = await configuredBackend.deleteAccount()
  const receipt = keepReceipt(deleted)
  authService.logout()
  return receipt
}

/** How many mini programs the account is signed into from, or null when this backend offers no unlinking. */
export async function linkedApps(): Promise<number | null> {
  return configuredBackend.unlink ? configuredBackend.unlink.linkedApps() : null
}

export const canUnlink = (): boolean => !!configuredBackend.unlink

/**
 * Unlinks this mini program from the account, then forgets the login state here. When this app was the account's
 * last one the account was deleted: its receipt is kept on the device like deleteAccount's.
 */
export async function unlinkThisApp(): Promise<{ accountDeleted: boolean; otherApps: number }> {
  if (!configuredBackend.unlink) throw new WeAuthError('UNSUPPORTED')
  const unlinked = await configuredBackend.unlink.confirm()
  if (unlinked.accountDeleted) keepReceipt(unlinked.receipt)
  authService.logout()
  return unlinked.accountDeleted ? { accountDeleted: true, otherApps: 0 } : unlinked
}
