import Taro from '@tarojs/taro'

/**
 * One versioned record in the device's storage. Reading never throws: nothing stored reads as null, and a
 * record that is corrupt, foreign or of another version is removed and reads as null too, so the next step
 * is a clean fresh login. Bump the version when the record's shape changes.
 */
export function storedRecord<T extends { v: number }>(
  key: string,
  version: number,
  isValid: (record: Partial<T>) => boolean,
) {
  const clear = (): void => {
    try {
      Taro.removeStorageSync(key)
    } catch {
      // nothing stored, nothing to clear
    }
  }
  const read = (): T | null => {
    let raw: unknown
    try {
      raw = Taro.getStorageSync(key)
    } catch {
      return null
    }
    if (raw === '' || raw === undefined || raw === null) return null
    const record = raw as Partial<T>
    if (typeof record === 'object' && record.v === version && isValid(record)) return record as T
    clear()
    return null
  }
  const write = (record: Omit<T, 'v'>): void => {
    Taro.setStorageSync(key, { v: version, ...record })
  }
  return { read, write, clear }
}
