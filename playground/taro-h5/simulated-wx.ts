import type { WxRuntime } from '../../emulator/src/simulated-wx'

/** What the playground's device script (playground/device) publishes before the app bundle runs. */
export interface PlaygroundDevice {
  wx: WxRuntime['wx']
}

declare global {
  interface Window {
    __weauthDevice?: PlaygroundDevice
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
