import { maskPhone } from './phone-mask'

/**
 * What a client may ever see of a user, whichever backend answers (the cloud functions or the own server):
 * no openid, no unionid, no session key, the phone masked.
 */
export interface PublicUser {
  id: string
  nickName: string
  avatarFileId: string
  phoneMasked: string | null
  hasProfile: boolean
  createdAt: string
  lastLoginAt: string
  loginCount: number
  privacyConsented: boolean
  /** the privacy policy version the user last accepted by a tap; null when never or withdrawn */
  consentVersion: string | null
}

/** The stored fields the view is made from; each backend maps its own record onto these. */
export interface UserViewSource {
  id: string
  nickName: string | null | undefined
  /** a cloud fileID (cloud mode) or an avatar URL (own server) */
  avatar: string | null | undefined
  phoneNumber: string | null | undefined
  createdAt: Date | string | null | undefined
  lastLoginAt: Date | string | null | undefined
  loginCount: number | null | undefined
  privacyConsentAt: Date | string | null | undefined
  privacyConsentVersion?: string | null
  /** the phone's country code (`86`, `852`...): the mask keeps it in front of non-Chinese numbers */
  countryCode?: string | null
}

export { maskPhone } from './phone-mask'

const iso = (d: Date | string | null | undefined): string => (d ? new Date(d).toISOString() : '')

export function toPublicUser(user: UserViewSource): PublicUser {
  return {
    id: user.id,
    nickName: user.nickName ?? '',
    avatarFileId: user.avatar ?? '',
    phoneMasked: maskPhone(user.phoneNumber, user.countryCode),
    hasProfile: !!(user.nickName && user.avatar),
    createdAt: iso(user.createdAt),
    lastLoginAt: iso(user.lastLoginAt),
    loginCount: user.loginCount ?? 0,
    privacyConsented: !!user.privacyConsentAt,
    consentVersion: user.privacyConsentAt ? (user.privacyConsentVersion ?? null) : null,
  }
}
