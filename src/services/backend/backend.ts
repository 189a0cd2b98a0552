import type { User } from '../auth/types'

/**
 * Everything the pages ask of a backend, in one interface: WeChat Cloud functions (cloud-backend.ts) or your
 * own server speaking server/openapi.yaml (http-backend.ts). The build picks one (TARO_APP_AUTH_PROVIDER,
 * src/config/auth.ts); pages and services call only this seam, never Taro.cloud or wx.request directly.
 * Every method resolves with the contract's public user view or rejects with a WeAuthError.
 */
export interface Backend {
  readonly name: 'cloud' | 'http'
  /**
   * wx.login and the backend round trip; resolves with the user view or rejects with a WeAuthError.
   * `consent` only when the person just tapped to accept that policy version (the authorization page); a
   * silent re-login passes nothing, so it never records consent (docs/privacy.md).
   */
  signIn(consent?: ConsentGiven): Promise<User>
  /**
   * Whether this device still holds what the backend needs besides a valid WeChat session: the cloud needs
   * nothing (WeChat attaches the identity), the http backend a usable access or refresh token.
   */
  hasCredential(): boolean
  /** ends the backend session (best effort, never throws) and forgets local credentials */
  signOut(): void
  /** saves nickname and/or a newly chosen avatar (a temp path from open-type="chooseAvatar") */
  saveProfile(user: User, changes: ProfileChanges): Promise<User>
  /** binds the phone number behind a getPhoneNumber button tap; the number is exchanged server-side */
  bindPhone(proof: PhoneProof): Promise<User>
  /** deletes the account and everything stored for it on the backend */
  deleteAccount(): Promise<DeletedAccount>
  /** records the current policy version (accept, from a tap) or clears the consent (withdraw) */
  consent(action: 'accept' | 'withdraw'): Promise<User>
  /** 手机号快捷登录: signs in and binds the phone in one backend call, with the consent just given */
  phoneLogin(proof: PhoneProof, consent: ConsentGiven): Promise<User>
  /**
   * Unlinking this mini program from the person's account (one account across the organisation's mini programs),
   * where the backend offers it: the cloud functions do; a backend without it leaves this out and the user
   * center does not show the entry.
   */
  readonly unlink?: {
    /** how many mini programs the account is signed into from (this one included) */
    linkedApps(): Promise<number>
    /** after the person's explicit confirmation: this app's identity and consent go; the last one deletes the account */
    confirm(): Promise<Unlinked>
  }
}

/** What an unlink did: the account stays for the other mini programs, or (this app was the last) it was deleted. */
export type Unlinked =
  | { accountDeleted: false; otherApps: number; at: string }
  | { accountDeleted: true; receipt: DeletedAccount }

/** A consent the person just gave by a tap: the policy version they were shown. */
export interface ConsentGiven {
  consentVersion: string
}

export interface ProfileChanges {
  nickName?: string
  /** a temp file path the backend uploads (cloud storage, or the server's avatar store) */
  avatarTempPath?: string
}

/**
 * What the getPhoneNumber button gave: the dynamic code (base library 2.21.2+) or, before that, a CloudID
 * (resolved by cloud functions) and encryptedData + iv (decrypted by your own server with the session_key).
 */
export type PhoneProof = { code: string } | { cloudId?: string; encryptedData?: string; iv?: string }

/** The deletion receipt: what was removed and when (the user keeps it on screen until dismissed). */
export interface DeletedAccount {
  users: number
  files: string[]
  /** what was removed, in the words the receipt shows */
  removed: string[]
  /** ISO time of the deletion */
  at: string
}
