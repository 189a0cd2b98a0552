import { callbackApi, WxFail } from '../callback-api'
import type { ClientState } from '../state'

/** WeChat's local storage limits: 1 MB per key, 10 MB per mini program. */
export const MAX_ITEM_BYTES = 1024 * 1024
export const MAX_TOTAL_BYTES = 10 * 1024 * 1024

export function storageApis(state: ClientState) {
  const totalBytes = () => [...state.storage.values()].reduce((n, v) => n + v.length, 0)
  const set = (key: unknown, data: unknown) => {
    if (typeof key !== 'string' || !key) throw new WxFail('parameter error: key should be a non-empty string')
    const text = JSON.stringify(data === undefined ? null : data)
    if (text.length > MAX_ITEM_BYTES) throw new WxFail('data exceeds 1MB limit')
    if (totalBytes() - (state.storage.get(key)?.length ?? 0) + text.length > MAX_TOTAL_BYTES)
      throw new WxFail('exceed storage max size 10MB')
    state.storage.set(key, text)
  }
  // a missing key reads as '' like WeChat's getStorageSync
  const get = (key: string): unknown => {
    const text = state.storage.get(key)
    return text === undefined ? '' : JSON.parse(text)
  }
  return {
    setStorageSync: (key: string, data: unknown) => {
      try {
        set(key, data)
      } catch (e) {
        throw new Error(`setStorageSync:fail ${(e as WxFail).reason}`)
      }
    },
    getStorageSync: get,
    removeStorageSync: (key: string) => void state.storage.delete(key),
    clearStorageSync: () => state.storage.clear(),
    getStorageInfoSync: () => ({
      keys: [...state.storage.keys()],
      currentSize: Math.ceil(totalBytes() / 1024),
      limitSize: MAX_TOTAL_BYTES / 1024,
    }),
    setStorage: callbackApi('setStorage', async (o: { key?: string; data?: unknown }) => (set(o.key, o.data), {})),
    getStorage: callbackApi('getStorage', async (o: { key?: string }) => {
      if (!state.storage.has(String(o.key))) throw new WxFail('data not found')
      return { data: get(String(o.key)) }
    }),
    removeStorage: callbackApi(
      'removeStorage',
      async (o: { key?: string }) => (state.storage.delete(String(o.key)), {}),
    ),
    clearStorage: callbackApi('clearStorage', async () => (state.storage.clear(), {})),
  }
}
