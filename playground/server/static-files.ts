import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { extname, join, resolve, sep } from 'node:path'
import type { ServerResponse } from 'node:http'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
}

/**
 * Sends `relativePath` from `dir` if it is a file inside it; false otherwise (the caller tries elsewhere).
 * Hashed build assets may be cached, everything else is revalidated so a rebuild shows at once.
 */
export async function sendFile(
  res: ServerResponse,
  dir: string,
  relativePath: string,
  method = 'GET',
): Promise<boolean> {
  const root = resolve(dir)
  let path: string
  try {
    path = resolve(join(root, decodeURIComponent(relativePath)))
  } catch {
    return false
  }
  if (path !== root && !path.startsWith(root + sep)) return false // no way out of the folder (../)
  const info = await stat(path).catch(() => null)
  if (!info?.isFile()) return false
  const hashed = /\.[0-9a-f]{8,}\.(js|css)$/.test(path)
  res.writeHead(200, {
    'content-type': TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream',
    'content-length': info.size,
    'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
  })
  if (method === 'HEAD') res.end()
  else createReadStream(path).pipe(res)
  return true
}
