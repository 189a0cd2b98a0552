import type { ClientTransport } from './transport'

/** What the simulated user answers when WeChat asks them something. Tests and the playground set these. */
export interface UserChoices {
  /** the privacy consent sheet (button open-type="agreePrivacyAuthorization") */
  privacy: 'agree' | 'disagree'
  getUserProfile: 'allow' | 'deny'
  phoneNumber: 'allow' | 'deny'
  chooseAvatar: 'choose' | 'cancel'
  /** wx.authorize prompts by scope, e.g. 'scope.userLocation'; default allow */
  scopes: Record<string, 'allow' | 'deny'>
  /** wx.showModal */
  modal: 'confirm' | 'cancel'
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
})
