/**
 * Where a user's own files live in cloud storage: `users/<userId>/...`. The client uploads there, and the
 * functions only accept fileIDs inside the caller's folder, so a profile can never point at another user's file.
 */
export const userFolder = (userId: string): string => `users/${userId}/`

/** fileID format: cloud://<env>.<bucket>/<cloudPath> */
export function cloudPathOf(fileID: string): string | null {
  const match = /^cloud:\/\/[^/]+\/(.+)$/.exec(fileID)
  return match ? match[1] : null
}

export function isInUserFolder(fileID: string, userId: string): boolean {
  const path = cloudPathOf(fileID)
  return !!path && path.startsWith(userFolder(userId)) && !path.includes('..')
}
