import { authApis } from './apis/auth'
import { cloudApis } from './apis/cloud'
import { locationApis, type LocationAppConfig } from './apis/location'
import { fetchExchanger, networkApis, type HttpExchanger } from './apis/network'
import { openTypes } from './apis/open-types'
import { privacyApis } from './apis/privacy'
import { storageApis } from './apis/local-storage'
import { subscribeMessageApis } from './apis/subscribe-message'
import { systemApis } from './apis/system'
import { uiApis } from './apis/ui'
import { uploadApis } from './apis/upload'
import { defaultChoices, type ClientState, type Navigation, type UserChoices } from './state'
import type { ClientTransport } from './transport'

export interface WxRuntimeOptions {
  transport: ClientTransport
  /** base library version, e.g. '3.7.0' (current) or '2.26.0' (getUserProfile still returns real data) */
  baseLibrary?: string
  choices?: Partial<UserChoices>
  /** reuse a previous runtime's device state: a relaunch of the mini program on the same phone */
  device?: WxRuntime['device']
  onNavigate?: (nav: Navigation) => void
  /** how wx.request and wx.uploadFile reach servers; default: fetch */
  request?: HttpExchanger
  /** the compiled app.json: location APIs check requiredPrivateInfos/requiredBackgroundModes/permission */
  appConfig?: LocationAppConfig
}

export type WxRuntime = ReturnType<typeof createWxRuntime>

/**
 * A simulated WeChat client (`wx`) wired to the emulator: what a page under miniprogram-simulate or in the
 * browser playground calls instead of the real base library.
 */
export function createWxRuntime(options: WxRuntimeOptions) {
  const state: ClientState = {
    transport: options.transport,
    baseLibrary: options.baseLibrary ?? '3.7.0',
    choices: { ...defaultChoices(), ...options.choices },
    storage: options.device?.storage ?? new Map(),
    tempFiles: options.device?.tempFiles ?? new Map(),
    settings: options.device?.settings ?? new Map(),
    privacyAgreed: options.device?.privacy.agreed ?? false,
    calls: [],
    navigations: [],
    toasts: [],
    onNavigate: options.onNavigate,
  }
  const privacy = privacyApis(state)
  const auth = authApis(state)
  const location = locationApis(state, options.appConfig)
  const wx = {
    ...systemApis(state),
    ...storageApis(state),
    ...uiApis(state),
    ...privacy.apis,
    ...auth,
    ...location.apis,
    ...subscribeMessageApis(state),
    ...networkApis(state, options.request ?? fetchExchanger),
    ...uploadApis(state, options.request ?? fetchExchanger),
    cloud: cloudApis(state),
  }
  // count every API call: round trips are a product metric (bench/), and tests assert on them
  for (const [name, fn] of Object.entries(wx)) {
    if (typeof fn !== 'function') continue
    ;(wx as Record<string, unknown>)[name] = (...args: unknown[]) => {
      state.calls.push(name)
      return (fn as (...a: unknown[]) => unknown)(...args)
    }
  }
  let tempCounter = 0
  return {
    wx,
    state,
    device: {
      storage: state.storage,
      tempFiles: state.tempFiles,
      settings: state.settings,
      privacy: {
        get agreed() {
          return state.privacyAgreed
        },
      },
    },
    /** what WeChat hands a page for a picked image: a temp path the page can upload */
    createTempFile(bytes: Uint8Array, ext = 'png'): string {
      const path = `http://tmp/weauth_${++tempCounter}_${Date.now()}.${ext}`
      state.tempFiles.set(path, bytes)
      return path
    },
    ensurePrivacyAgreed: privacy.ensureAgreed,
    /** the phone's position, foreground/background, scope revocation (location APIs) */
    location: location.control,
    /** what a tap on an open-type button yields (privacy guide first, then WeChat's own dialog) */
    openType: openTypes(state, privacy.ensureAgreed),
  }
}
