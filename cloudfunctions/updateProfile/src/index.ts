import { cloud, deleteFiles } from '../../_shared/cloud'
import * as v from 'valibot'
import { currentUser } from '../../_shared/current-user'
import { isInUserFolder } from '../../_shared/files'
import { fail, ok, type Result } from '../../_shared/result'
import { parseEvent } from '../../_shared/validate'
import { publicView, USERS, type PublicUser } from '../../_shared/users'

export const NICKNAME_MAX = 20

const Event = v.pipe(
  v.object({
    nickName: v.optional(
      v.pipe(
        v.string('昵称必须是文字'),
        v.trim(),
        v.minLength(1, '昵称不能为空'),
        v.maxGraphemes(NICKNAME_MAX, `昵称最多 ${NICKNAME_MAX} 个字`),
        // no control characters or markup: the nickname is shown to other people
        v.regex(/^[^\u0000-\u001f\u007f<>]+$/u, '昵称包含不支持的字符'),
      ),
    ),
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
      if (verdict !== 'pass') return fail('RISKY_CONTENT', '昵称包含不合规内容，请修改后再试')
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
    return fail('UPSTREAM', '服务暂时不可用，请稍后重试')
  }
}

/** security.msgSecCheck v2: 'pass', 'review' or 'risky'; anything but 'pass' is refused. */
async function checkText(content: string, openid: string): Promise<string> {
  const res = (await cloud.openapi.security.msgSecCheck({ content, version: 2, scene: 1, openid })) as { result?: { suggest?: string } }
  return res.result?.suggest ?? 'risky'
}
