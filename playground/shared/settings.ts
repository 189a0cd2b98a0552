import type { UserChoices } from '../../emulator/src/simulated-wx'

/**
 * What the control panel decides and the app's simulated WeChat client obeys, kept in the origin's
 * localStorage (the panel and the app in its iframe share it). Identity and base library are read when the
 * app starts (a relaunch), the user's answers on every prompt (changes apply at once).
 */
export interface PlaygroundSettings {
  /** the simulated WeChat user the phone is logged in as */
  account: { openid: string; token: string } | null
  /** the same person in a second mini program of the organisation (its own appid and openid), when opened */
  second?: { openid: string; token: string; appid: string } | null
  /** '3.7.0' today; '2.26.0' is a base library where getUserProfile still returns the real profile */
  baseLibrary: string
  choices: UserChoices
}

/** the second mini program's appid in the playground (any appid the environment is shared with would do) */
export const SECOND_APPID = 'wxplayground000002'

export const NEW_BASE_LIBRARY = '3.7.0'
export const OLD_BASE_LIBRARY = '2.26.0'

const KEY = 'weauth-playground:settings'
/** each simulated user's phone keeps its own storage, scopes and privacy consent */
export const deviceKey = (openid: string) => `weauth-playground:device:${openid}`

export const defaultSettings = (): PlaygroundSettings => ({
  account: null,
  baseLibrary: NEW_BASE_LIBRARY,
  choices: {
    privacy: 'agree',
    getUserProfile: 'allow',
    phoneNumber: 'allow',
    chooseAvatar: 'choose',
    scopes: {},
    modal: 'confirm',
    subscribeMessage: {},
  },
})

export function readSettings(): PlaygroundSettings {
  const defaults = defaultSettings()
  try {
    const saved = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Partial<PlaygroundSettings> | null
    if (!saved || typeof saved !== 'object') return defaults
    return { ...defaults, ...saved, choices: { ...defaults.choices, ...saved.choices } }
  } catch {
    return defaults
  }
}

export function writeSettings(settings: PlaygroundSettings): void {
  localStorage.setItem(KEY, JSON.stringify(settings))
}
