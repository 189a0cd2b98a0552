/**
 * `@tarojs/taro` as the H5 build sees it (config/index.ts aliases the bare import here; the weapp build never
 * loads this file). Everything is Taro's own H5 library except the WeChat-only APIs, which Taro's H5 stubs as
 * "not supported": those are answered by the emulator's simulated WeChat client (playground/device), so the
 * pages run unchanged against the local cloud. Browser-native behaviour (routing, toasts, modals, wx.request)
 * stays Taro's.
 *
 * Both call shapes are covered: Taro's H5 babel transform rewrites `Taro.login()` into a named import of
 * `login` (so the named exports below replace Taro's), and members it does not know (`Taro.cloud`) are read
 * from the default object (patched below).
 */
import TaroH5, { getCurrentPages, navigateBack } from '@tarojs/plugin-platform-h5/dist/runtime/apis'
import { dropFalseBooleanAttributes } from './false-attributes'
import { simulatedWx } from './simulated-wx'

export * from '@tarojs/plugin-platform-h5/dist/runtime/apis'

type Wx = ReturnType<typeof simulatedWx>
type Api<K extends keyof Wx> = Wx[K]

// an API the simulated base library lacks (the privacy guide before 2.32.3) does nothing, as an absent wx.* would
const routed = <K extends keyof Wx>(name: K): Api<K> =>
  ((...args: unknown[]) => {
    const api = simulatedWx()[name] as ((...a: unknown[]) => unknown) | undefined
    return typeof api === 'function' ? api(...args) : undefined
  }) as Api<K>

// identity and session
export const login = routed('login')
export const checkSession = routed('checkSession')
// profile and scopes (getUserProfile honours the playground's base library switch)
export const getUserProfile = routed('getUserProfile')
export const getSetting = routed('getSetting')
export const authorize = routed('authorize')
export const openSetting = routed('openSetting')
export const getAppBaseInfo = routed('getAppBaseInfo')
// the privacy guide
export const onNeedPrivacyAuthorization = routed('onNeedPrivacyAuthorization')
export const requirePrivacyAuthorize = routed('requirePrivacyAuthorize')
export const getPrivacySetting = routed('getPrivacySetting')
export const openPrivacyContract = routed('openPrivacyContract')
// storage: per simulated WeChat user, as each WeChat account on a phone has its own
export const getStorageSync = routed('getStorageSync')
export const setStorageSync = routed('setStorageSync')
export const removeStorageSync = routed('removeStorageSync')
export const clearStorageSync = routed('clearStorageSync')
export const getStorageInfoSync = routed('getStorageInfoSync')
export const getStorage = routed('getStorage')
export const setStorage = routed('setStorage')
export const removeStorage = routed('removeStorage')
export const clearStorage = routed('clearStorage')
// location behind scope.userLocation (the scope center), instead of the browser's geolocation prompt
export const getLocation = routed('getLocation')
export const startLocationUpdate = routed('startLocationUpdate')
export const startLocationUpdateBackground = routed('startLocationUpdateBackground')
export const stopLocationUpdate = routed('stopLocationUpdate')
export const onLocationChange = routed('onLocationChange')
export const offLocationChange = routed('offLocationChange')
export const onLocationChangeError = routed('onLocationChangeError')
export const offLocationChangeError = routed('offLocationChangeError')

const overrides = {
  login,
  checkSession,
  getUserProfile,
  getSetting,
  authorize,
  openSetting,
  getAppBaseInfo,
  onNeedPrivacyAuthorization,
  requirePrivacyAuthorize,
  getPrivacySetting,
  openPrivacyContract,
  getStorageSync,
  setStorageSync,
  removeStorageSync,
  clearStorageSync,
  getStorageInfoSync,
  getStorage,
  setStorage,
  removeStorage,
  clearStorage,
  getLocation,
  startLocationUpdate,
  startLocationUpdateBackground,
  stopLocationUpdate,
  onLocationChange,
  offLocationChange,
  onLocationChangeError,
  offLocationChangeError,
}
Object.assign(TaroH5, overrides)
Object.defineProperty(TaroH5, 'cloud', { configurable: true, enumerable: true, get: () => simulatedWx().cloud })

// this module is the one H5-only code the app loads, so the H5 rendering fix starts here too
if (typeof document !== 'undefined') dropFalseBooleanAttributes()

// the phone frame's navigation bar (playground/panel/phone.ts) reads the page stack and goes back through
// Taro's own router, as WeChat's back button does
if (typeof window !== 'undefined') {
  window.__weauthApp = {
    pageCount: () => getCurrentPages().length,
    back: () => void navigateBack({ delta: 1 }),
  }
}

export default TaroH5
