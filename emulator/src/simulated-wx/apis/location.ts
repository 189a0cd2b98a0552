import { callbackApi, WxFail } from '../callback-api'
import type { ClientState } from '../state'

/** The parts of app.json the location APIs check (WeChat rejects undeclared use). */
export interface LocationAppConfig {
  requiredBackgroundModes?: string[]
  requiredPrivateInfos?: string[]
  permission?: Record<string, { desc?: string }>
}

export interface Position {
  latitude: number
  longitude: number
}

const LOCATION = 'scope.userLocation'
const BACKGROUND = 'scope.userLocationBackground'
/** WeChat DevTools' default simulated position (Guangzhou, TIT creative park) */
const DEFAULT_POSITION: Position = { latitude: 23.099994, longitude: 113.32452 }

/**
 * Location as the base library behaves, with the user's choices from `state.choices.scopes`:
 * - scope.userLocation (getLocation, startLocationUpdate): asked once; once denied, APIs fail with
 *   'auth deny' without asking again until the user changes it in the settings page (openSetting);
 * - scope.userLocationBackground (startLocationUpdateBackground): never asked in a popup; the user must set
 *   位置信息 to 使用小程序期间和离开小程序后 in the settings page. Until then the API fails with 'auth deny'
 *   and the scope shows as false in getSetting (so the settings page lists it);
 * - when `appConfig` is known (the harness passes dist/app.json): the APIs must be declared in
 *   requiredPrivateInfos, background updates need requiredBackgroundModes ['location'], and
 *   permission['scope.userLocation'].desc must be set.
 * The device side (`control`) moves the phone, sends the mini program to the background and revokes scopes.
 */
export function locationApis(state: ClientState, appConfig?: LocationAppConfig) {
  let position: Position = { ...DEFAULT_POSITION }
  let mode: 'off' | 'foreground' | 'background' = 'off'
  let inBackground = false
  const listeners = new Set<(res: Record<string, unknown>) => void>()
  const errorListeners = new Set<(res: Record<string, unknown>) => void>()

  const ensureDeclared = (api: string) => {
    if (appConfig && !(appConfig.requiredPrivateInfos ?? []).includes(api)) {
      throw new WxFail('the api need to be declared in the requiredPrivateInfos field in app.json/ext.json')
    }
  }
  const ensureDesc = () => {
    if (appConfig && !appConfig.permission?.[LOCATION]?.desc) throw new WxFail('require permission desc')
  }
  /** scope.userLocation: granted, or asked now when never asked */
  const requireLocation = () => {
    ensureDesc()
    const current = state.settings.get(LOCATION)
    if (current === true) return
    if (current === false) throw new WxFail('auth deny')
    const granted = (state.choices.scopes[LOCATION] ?? 'allow') === 'allow'
    state.settings.set(LOCATION, granted)
    if (!granted) throw new WxFail('auth deny')
  }
  const reading = () => ({
    ...position,
    speed: 0,
    accuracy: 65,
    altitude: 0,
    verticalAccuracy: 65,
    horizontalAccuracy: 65,
  })

  const apis = {
    getLocation: callbackApi('getLocation', async (o: { type?: string }) => {
      ensureDeclared('getLocation')
      requireLocation()
      return { ...reading(), type: o.type ?? 'wgs84' }
    }),
    startLocationUpdate: callbackApi('startLocationUpdate', async () => {
      ensureDeclared('startLocationUpdate')
      requireLocation()
      if (mode === 'off') mode = 'foreground'
      return {}
    }),
    startLocationUpdateBackground: callbackApi('startLocationUpdateBackground', async () => {
      ensureDeclared('startLocationUpdateBackground')
      if (appConfig && !(appConfig.requiredBackgroundModes ?? []).includes('location')) {
        throw new WxFail('requiredBackgroundModes in app.json must contain "location"')
      }
      ensureDesc()
      if (state.settings.get(BACKGROUND) !== true) {
        // no popup for background location: the scope now appears (off) in the settings page
        if (!state.settings.has(BACKGROUND)) state.settings.set(BACKGROUND, false)
        if (!state.settings.has(LOCATION)) state.settings.set(LOCATION, false)
        throw new WxFail('auth deny')
      }
      mode = 'background'
      return {}
    }),
    stopLocationUpdate: callbackApi('stopLocationUpdate', async () => {
      mode = 'off'
      return {}
    }),
    onLocationChange: (listener: (res: Record<string, unknown>) => void) => {
      ensureDeclared('onLocationChange')
      if (typeof listener === 'function') listeners.add(listener)
    },
    offLocationChange: (listener?: (res: Record<string, unknown>) => void) => {
      if (listener) listeners.delete(listener)
      else listeners.clear()
    },
    onLocationChangeError: (listener: (res: Record<string, unknown>) => void) => {
      if (typeof listener === 'function') errorListeners.add(listener)
    },
    offLocationChangeError: (listener?: (res: Record<string, unknown>) => void) => {
      if (listener) errorListeners.delete(listener)
      else errorListeners.clear()
    },
  }

  const receiving = () => mode === 'background' || (mode === 'foreground' && !inBackground)

  const control = {
    /** moves the phone; returns whether the mini program received the change */
    move(to: Position): boolean {
      position = { latitude: to.latitude, longitude: to.longitude }
      if (!receiving()) return false
      const res = reading()
      for (const listener of [...listeners]) listener(res)
      return listeners.size > 0
    },
    /** the user leaves the mini program (home button, another chat): only background updates continue */
    enterBackground(): void {
      inBackground = true
    },
    enterForeground(): void {
      inBackground = false
    },
    /** the user switches a scope off in the settings page (or system settings) while the mini program runs */
    revoke(scope: string): void {
      state.settings.set(scope, false)
      if (scope === LOCATION) state.settings.set(BACKGROUND, false)
      const stillAllowed =
        mode === 'background' ? state.settings.get(BACKGROUND) === true : state.settings.get(LOCATION) === true
      if (mode !== 'off' && !stillAllowed) {
        mode = mode === 'background' && state.settings.get(LOCATION) === true ? 'foreground' : 'off'
        if (mode === 'off')
          for (const listener of [...errorListeners])
            listener({ errCode: 2, errMsg: 'onLocationChange:fail auth deny' })
      }
    },
    status() {
      return { mode, inBackground, position: { ...position }, listeners: listeners.size }
    },
  }
  return { apis, control }
}
