/** Base64 without Node's Buffer: the simulated client also runs in the browser (the playground). */
export function toBase64(bytes: Uint8Array): string {
  let binary = ''
  // in chunks: String.fromCharCode takes its bytes as arguments, and argument lists are bounded
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(binary)
}
