/**
 * Where the emulator serves a stored file (its stand-in for the storage CDN): WeChat's <image> shows
 * `cloud://<env>.<bucket>/<path>` file IDs natively, a browser needs this URL.
 */
export function cloudFileUrl(fileID: string): string | null {
  const match = /^cloud:\/\/[^/]+\/(.+)$/.exec(fileID)
  if (!match) return null
  return `/storage/download/${match[1].replace(/[%?#]/g, (c) => encodeURIComponent(c))}`
}
