import { existsSync, readFileSync, truncateSync } from 'node:fs'

/**
 * A data file's last line cut short (the process died, or the disk filled, in the middle of an append) is
 * dropped before the store loads, with a warning: that write was never reported as done, so nothing is lost,
 * and the store starts instead of refusing. Damage anywhere else is left for the store to refuse loudly.
 */
export function repairTornTail(file: string, warn: (message: string) => void = console.warn): void {
  if (!existsSync(file)) return
  const text = readFileSync(file, 'utf8')
  if (text === '' || text.endsWith('\n')) {
    const lines = text.split('\n')
    const last = lines.length >= 2 ? lines[lines.length - 2] : ''
    if (last === '' || parses(last)) return
    truncateSync(file, Buffer.byteLength(lines.slice(0, -2).join('\n') + (lines.length > 2 ? '\n' : '')))
  } else {
    const cut = text.lastIndexOf('\n') + 1
    if (parses(text.slice(cut))) return
    truncateSync(file, Buffer.byteLength(text.slice(0, cut)))
  }
  warn(`weauth emulator: ${file}: its last line was cut short (an interrupted write) and has been dropped`)
}

function parses(line: string): boolean {
  try {
    JSON.parse(line)
    return true
  } catch {
    return false
  }
}

/** Errors of the file system (EACCES, ENOSPC, EROFS, EISDIR, EIO, …), as opposed to the store refusing a value. */
export function isFileSystemError(e: unknown): e is NodeJS.ErrnoException {
  const code = (e as { code?: unknown })?.code
  return typeof code === 'string' && /^E[A-Z]+$/.test(code)
}
