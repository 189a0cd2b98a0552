/** A simulated WeChat user as the control API shows it (types only: the browser panel imports them too). */
export interface WeChatAccount {
  /** the mini program this device runs (the emulator's own appid unless created for another) */
  appid: string
  /** the person behind the device: one person has one device per mini program, each with its own openid */
  personId: string
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
  /** the mini program the device runs; default: the emulator's own appid */
  appid?: string
  /** the openid of an existing device: the same person, opening another mini program */
  sameAs?: string
  openid?: string
  unionid?: string | null
  nickName?: string
  avatarUrl?: string
  phoneNumber?: string | null
  countryCode?: string
}
