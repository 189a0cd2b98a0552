import type { ClientTransport } from './transport'

/** What the simulated user answers when WeChat asks them something. Tests and the playground set these. */
export interface UserChoices {
  /** the privacy consent sheet (button open-type="agreePrivacyAuthorization") */
  privacy: 'agree' | 'disagree'
  getUserProfile: 'allow' | 'deny'
  /**
   * what the phone button yields: the number, or one of its documented failures
   * (https://developers.weixin.qq.com/miniprogram/dev/framework/open-ability/getPhoneNumber.html):
   * deny = the user refused; quota = errno 1400001 (the paid quota is used up); noPermission = an account
   * that may not use the component; noPhone = a WeChat account with no phone bound
   */
  phoneNumber: 'allow' | 'deny' | 'quota' | 'noPermission' | 'noPhone'
  chooseAvatar: 'choose' | 'cancel'
  /** wx.authorize prompts by scope, e.g. 'scope.userLocation'; default allow */
  scopes: Record<string, 'allow' | 'deny'>
  /** wx.showModal */
  modal: 'confirm' | 'cancel'
  /** the subscription sheet of wx.requestSubscribeMessage, by template id; default accept */
  subscribeMessage: Record<string, 'accept' | 'reject'>
}

export interface Navigation {
  kind: 'navigateTo' | 'navigateBack' | 'redirectTo' | 'reLaunch' | 'switchTab'
  url?: string
  delta?: number
}

/** Device-side state of one simulated WeChat client: it survives "relaunches" of the mini program. */
export interface ClientState {
  transport: ClientTransport
  baseLibrary: string
  choices: UserChoices
  storage: Map<string, string>
  tempFiles: Map<string, Uint8Array>
  /** scope -> granted?; absent = never asked */
  settings: Map<string, boolean>
  privacyAgreed: boolean
  /** until when privacy APIs fail at once after the user refused the guide (ms since epoch) */
  privacyRefusedUntil?: number
  /** the 用户隐私保护指引 name getPrivacySetting reports (what the team set in the admin console) */
  privacyContractName?: string
  /** every wx API called, in order: benchmarks and tests count round trips with it */
  calls: string[]
  navigations: Navigation[]
  toasts: string[]
  onNavigate?: (nav: Navigation) => void
}

export const defaultChoices = (): UserChoices => ({
  privacy: 'agree',
  getUserProfile: 'allow',
  phoneNumber: 'allow',
  chooseAvatar: 'choose',
  scopes: {},
  modal: 'confirm',
  subscribeMessage: {},
})
