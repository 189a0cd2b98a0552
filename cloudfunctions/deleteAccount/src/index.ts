import { cloud, deleteFiles } from '../../../packages/cloud-kit/cloud'
import * as v from 'valibot'
import { currentUser } from '../../../packages/cloud-kit/current-user'
import { fail, ok, type Result } from '../../../packages/contract/result'
import { parseEvent } from '../../../packages/cloud-kit/validate'
import { USERS } from '../../../packages/cloud-kit/users'

const Event = v.object({ confirm: v.literal(true, '注销需要确认') })

export interface Deleted {
  users: number
  files: string[]
}

/**
 * Deletes the caller's account: their stored files first, then the user record, so a failure part-way
 * leaves the record (and the fileIDs it holds) for a retry instead of orphaned files.
 */
export async function main(event: unknown): Promise<Result<{ deleted: Deleted }>> {
  const parsed = parseEvent(Event, event)
  if ('error' in parsed) return parsed.error
  const { OPENID } = cloud.getWXContext()
  const db = cloud.database()
  try {
    const found = await currentUser(db, OPENID)
    if ('error' in found) return found.error
    const { user } = found
    const files = [user.avatarFileId].filter((f): f is string => !!f)
    if (files.length) {
      const { fileList } = await deleteFiles(files)
      // a file already gone counts as deleted; any other failure stops before the record goes
      const failed = fileList.filter((f) => f.status !== 0 && !/not exist|NONEXIST/i.test(f.errMsg ?? ''))
      if (failed.length) return fail('UPSTREAM', '文件删除失败，请稍后重试')
    }
    const { stats } = (await db.collection(USERS).doc(user._id).remove()) as { stats: { removed: number } }
    return ok({ deleted: { users: stats.removed, files } })
  } catch (e) {
    console.error('deleteAccount failed', e)
    return fail('UPSTREAM')
  }
}
