import type { WxRuntime } from '../../emulator/src/simulated-wx'

/** What the playground's device script (playground/device) publishes before the app bundle runs. */
export interface PlaygroundDevice {
  wx: WxRuntime['wx']
  /** the phone's side of location: moving it, leaving the mini program (the panel's device card) */
  location: WxRuntime['location']
}

/** What the app publishes for the phone frame's navigation bar (playground/taro-h5/taro-h5.ts). */
export interface PlaygroundApp {
  pageCount(): number
  back(): void
}

declare global {
  interface Window {
    __weauthDevice?: PlaygroundDevice
    __weauthApp?: PlaygroundApp
  }
}

/**
 * The simulated WeChat client of the identity picked in the playground. Looked up on every call, not at
 * import time, so a missing device fails the call that needed it with a message saying why.
 */
export function simulatedWx(): WxRuntime['wx'] {
  const device = typeof window === 'undefined' ? undefined : window.__weauthDevice
  if (!device)
    throw new Error('WeAuth playground: the simulated WeChat client is not loaded; open the app through `npm run dev`')
  return device.wx
}
