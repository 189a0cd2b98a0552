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
}

export function maskPhone(phone: string | null | undefined): string | null {
  if (!phone) return null
  if (phone.length < 7) return '*'.repeat(phone.length)
  return `${phone.slice(0, 3)}${'*'.repeat(phone.length - 7)}${phone.slice(-4)}`
}

const iso = (d: Date | string | null | undefined): string => (d ? new Date(d).toISOString() : '')

export function toPublicUser(user: UserViewSource): PublicUser {
  return {
    id: user.id,
    nickName: user.nickName ?? '',
    avatarFileId: user.avatar ?? '',
    phoneMasked: maskPhone(user.phoneNumber),
    hasProfile: !!(user.nickName && user.avatar),
    createdAt: iso(user.createdAt),
    lastLoginAt: iso(user.lastLoginAt),
    loginCount: user.loginCount ?? 0,
    privacyConsented: !!user.privacyConsentAt,
  }
}
