/**
 * The playground's simulated phone, loaded by the H5 app's index.html before the Taro bundle: the emulator's
 * simulated WeChat client (emulator/src/simulated-wx) for the user picked in the control panel, reaching the
 * emulator on this origin over HTTP. playground/taro-h5/taro-h5.ts routes Taro's WeChat-only APIs to it.
 */
import { createWxRuntime, httpTransport } from '../../emulator/src/simulated-wx'
import type { PlaygroundDevice } from '../taro-h5/simulated-wx'
import { readSettings } from '../shared/settings'
import { showCloudImages } from './cloud-images'
import { answerOpenTypeButtons } from './open-type-buttons'
import { openSavedDevice } from './saved-device'

const settings = readSettings()
// the second phone frame loads the same pages with ?app=second: the same person's account in the second app
const account = new URLSearchParams(location.search).get('app') === 'second' ? settings.second : settings.account
if (!account) {
  // nobody is signed in to the simulated WeChat yet: the control panel picks or creates a user first
  ;(window.top ?? window).location.replace('/')
} else {
  const saved = openSavedDevice(account.openid)
  const runtime = createWxRuntime({
    transport: httpTransport(location.origin, account.token),
    baseLibrary: settings.baseLibrary,
    device: saved.device,
  })
  saved.keepPrivacyConsent(runtime.state)
  // the user's answers are read when WeChat asks, so a change in the panel applies to the next prompt
  Object.defineProperty(runtime.state, 'choices', { get: () => readSettings().choices })
  answerOpenTypeButtons(runtime)
  showCloudImages()
  const device: PlaygroundDevice = { wx: runtime.wx, location: runtime.location }
  window.__weauthDevice = device
}
