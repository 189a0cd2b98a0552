/**
 * The playground's control panel (playground/public/index.html): the phone with the app, the simulated
 * WeChat identity and its answers, and the admin view of the emulated database.
 */
import { deviceKey, readSettings, writeSettings } from '../shared/settings'
import { adminSection } from './admin'
import { choicesSection } from './choices'
import { deviceSection } from './device'
import { faultsSection, riskyWordsSection } from './faults'
import { wechatSideSection } from './wechat-side'
import { identitySection } from './identity'
import { createPhone } from './phone'
import { secondAppSection } from './second-app'

const phone = createPhone()
const second = secondAppSection()
const identity = identitySection((label) => {
  // the second mini program belongs to the person the first phone shows
  second.reset()
  phone.relaunch(label)
})
choicesSection(() => phone.relaunch(document.getElementById('phone-identity')?.textContent ?? ''))
deviceSection(phone)
const faults = faultsSection()
const riskyWords = riskyWordsSection()
wechatSideSection()
adminSection(async () => {
  void faults.refresh()
  void riskyWords.refresh()
  // a reset removes every simulated WeChat user, so their phones' data means nothing any more
  for (const key of Object.keys(localStorage)) if (key.startsWith(deviceKey(''))) localStorage.removeItem(key)
  writeSettings({ ...readSettings(), account: null })
  await identity.start()
})
void identity.start()
