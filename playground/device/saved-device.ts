import type { WxRuntime } from '../../emulator/src/simulated-wx'
import type { ClientState } from '../../emulator/src/simulated-wx/state'
import { deviceKey } from '../shared/settings'

interface SavedState {
  storage: Array<[string, string]>
  settings: Array<[string, boolean]>
  privacyAgreed: boolean
}

/** A Map that saves after every change (the runtime mutates its device maps in place). */
function savingMap<K, V>(entries: Array<[K, V]>, save: () => void): Map<K, V> {
  const map = new Map(entries)
  const set = map.set.bind(map)
  const remove = map.delete.bind(map)
  const clear = map.clear.bind(map)
  map.set = (key, value) => (set(key, value), save(), map)
  map.delete = (key) => {
    const had = remove(key)
    save()
    return had
  }
  map.clear = () => (clear(), save())
  return map
}

function load(key: string): SavedState {
  try {
    const saved = JSON.parse(localStorage.getItem(key) ?? 'null') as Partial<SavedState> | null
    return {
      storage: saved?.storage ?? [],
      settings: saved?.settings ?? [],
      privacyAgreed: saved?.privacyAgreed === true,
    }
  } catch {
    return { storage: [], settings: [], privacyAgreed: false }
  }
}

/**
 * One simulated user's phone as it survives a reload of the page: wx storage (the cached login state),
 * scope grants and privacy consent, in localStorage under that user's key. A reload of the app is then what
 * a relaunch of the mini program is on WeChat, and each test user keeps a phone of their own.
 */
export function openSavedDevice(openid: string) {
  const key = deviceKey(openid)
  const saved = load(key)
  let privacyAgreed = saved.privacyAgreed
  const save = () =>
    localStorage.setItem(key, JSON.stringify({ storage: [...storage], settings: [...settings], privacyAgreed }))
  const storage = savingMap(saved.storage, save)
  const settings = savingMap(saved.settings, save)
  const device: WxRuntime['device'] = { storage, settings, tempFiles: new Map(), privacy: { agreed: privacyAgreed } }
  return {
    device,
    /** the runtime records consent on its state: save it whenever it changes */
    keepPrivacyConsent(state: ClientState): void {
      Object.defineProperty(state, 'privacyAgreed', {
        get: () => privacyAgreed,
        set: (agreed: boolean) => {
          privacyAgreed = agreed
          save()
        },
      })
    },
  }
}
