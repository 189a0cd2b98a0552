import { cloud, deleteFiles } from '../../../packages/cloud-kit/cloud'
import * as v from 'valibot'
import { currentUser } from '../../../packages/cloud-kit/current-user'
import { isInUserFolder } from '../../../packages/cloud-kit/files'
import { fail, ok, type Result } from '../../../packages/contract/result'
import { NickName } from '../../../packages/contract/schemas'
import { parseEvent } from '../../../packages/cloud-kit/validate'
import { publicView, USERS, type PublicUser } from '../../../packages/cloud-kit/users'

const Event = v.pipe(
  v.object({
    nickName: v.optional(NickName),
    avatarFileId: v.optional(v.pipe(v.string(), v.maxLength(512), v.startsWith('cloud://', '头像文件无效'))),
  }),
  v.check((e) => e.nickName !== undefined || e.avatarFileId !== undefined, '没有要保存的资料'),
)

/** Saves the nickname (after WeChat's content-safety check) and avatar of the caller's profile. */
export async function main(event: unknown): Promise<Result<{ user: PublicUser }>> {
  const parsed = parseEvent(Event, event)
  if ('error' in parsed) return parsed.error
  const { nickName, avatarFileId } = parsed.value
  const { OPENID } = cloud.getWXContext()
  const db = cloud.database()
  try {
    const found = await currentUser(db, OPENID, { requireConsent: true })
    if ('error' in found) return found.error
    const { user } = found
    if (avatarFileId !== undefined && !isInUserFolder(avatarFileId, user._id)) {
      return fail('INVALID_INPUT', 'avatarFileId: 头像必须上传到你自己的目录')
    }
    if (nickName !== undefined && nickName !== user.nickName) {
      const verdict = await checkText(nickName, OPENID!)
      if (verdict !== 'pass') return fail('RISKY_CONTENT')
    }
    const changes: Record<string, string> = {}
    if (nickName !== undefined) changes.nickName = nickName
    if (avatarFileId !== undefined) changes.avatarFileId = avatarFileId
    await db.collection(USERS).doc(user._id).update({ data: changes })
    // the replaced avatar is removed so a deleted account leaves no file behind
    if (avatarFileId && user.avatarFileId && user.avatarFileId !== avatarFileId) {
      await deleteFiles([user.avatarFileId]).catch((e: unknown) => console.warn('old avatar not deleted', e))
    }
    return ok({ user: publicView({ ...user, ...changes }) })
  } catch (e) {
    console.error('updateProfile failed', e)
    return fail('UPSTREAM')
  }
}

/** security.msgSecCheck v2: 'pass', 'review' or 'risky'; anything but 'pass' is refused. */
async function checkText(content: string, openid: string): Promise<string> {
  const res = (await cloud.openapi.security.msgSecCheck({ content, version: 2, scene: 1, openid })) as {
    result?: { suggest?: string }
  }
  return res.result?.suggest ?? 'risky'
}
