/** A simulated WeChat user as the control API shows it (types only: the browser panel imports them too). */
export interface WeChatAccount {
  openid: string
  unionid?: string
  nickName: string
  avatarUrl: string
  phoneNumber?: string
  countryCode: string
  token: string
  /** the session_key of the latest wx.login, and until when WeChat considers it valid */
  sessionKey?: string
  sessionValidUntil?: number
}

export interface NewAccount {
  openid?: string
  unionid?: string | null
  nickName?: string
  avatarUrl?: string
  phoneNumber?: string | null
  countryCode?: string
}
