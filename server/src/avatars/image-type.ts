/**
 * The image type of a file from its first bytes, never from its name or the client's word: PNG, JPEG, GIF
 * and WebP are what open-type="chooseAvatar" yields. Anything else is not an avatar.
 */
export type ImageType = 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp'

export function sniffImageType(bytes: Uint8Array): ImageType | null {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b)
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png'
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg'
  if (starts(0x47, 0x49, 0x46, 0x38) && (bytes[4] === 0x37 || bytes[4] === 0x39) && bytes[5] === 0x61)
    return 'image/gif'
  if (
    starts(0x52, 0x49, 0x46, 0x46) &&
    bytes[8] === 0x57 &&
    bytes[9] === 0x45 &&
    bytes[10] === 0x42 &&
    bytes[11] === 0x50
  )
    return 'image/webp'
  return null
}

/** Avatars larger than this are refused (413); WeChat's chooseAvatar images are far smaller. */
export const AVATAR_MAX_BYTES = 1024 * 1024
