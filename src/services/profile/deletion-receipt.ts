import { storedRecord } from '../auth/stored-record'
import type { DeletedAccount } from '../backend'

/**
 * The deletion receipt stays on the device until the user dismisses it, so it survives the relaunch that
 * follows a deletion. It holds no personal data: what kinds of data were removed, how many files, and when.
 */
const RECEIPT_KEY = 'weauth:deletion-receipt'
const VERSION = 1

interface StoredReceipt {
  v: typeof VERSION
  removed: string[]
  files: number
  at: string
}

const stored = storedRecord<StoredReceipt>(
  RECEIPT_KEY,
  VERSION,
  (r) => Array.isArray(r.removed) && typeof r.files === 'number' && typeof r.at === 'string',
)

export interface Receipt {
  removed: string[]
  files: number
  at: string
}

export function keepReceipt(deleted: DeletedAccount): Receipt {
  const receipt = { removed: deleted.removed, files: deleted.files.length, at: deleted.at }
  stored.write(receipt)
  return receipt
}

export function readReceipt(): Receipt | null {
  const r = stored.read()
  return r ? { removed: r.removed, files: r.files, at: r.at } : null
}

export const dismissReceipt = stored.clear
