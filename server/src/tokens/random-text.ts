import { randomFillSync } from 'node:crypto'

/**
 * Random bytes for ids and tokens, drawn from a buffer the system's CSPRNG refills (crypto.randomFillSync) when
 * it runs out; each byte is handed out once. A login needs several small random values, and asking the CSPRNG
 * for each costs more than the value (Node's crypto.randomUUID keeps such a cache for the same reason).
 */
const pool = Buffer.alloc(4096)
let offset = pool.length

/** `size` random bytes as text (hex for ids, base64url for tokens). */
export function randomText(size: number, encoding: 'hex' | 'base64url'): string {
  if (size > pool.length) return randomFillSync(Buffer.alloc(size)).toString(encoding)
  if (offset + size > pool.length) {
    randomFillSync(pool)
    offset = 0
  }
  const text = pool.toString(encoding, offset, offset + size)
  offset += size
  return text
}
