import { cloud, deleteFiles } from '../../../packages/cloud-kit/cloud'
import { callerOf } from '../../../packages/cloud-kit/accounts'
import * as v from 'valibot'
import { currentUser } from '../../../packages/cloud-kit/current-user'
import { isInUserFolder } from '../../../packages/cloud-kit/files'
import { fail, ok, type Result } from '../../../packages/contract/result'
import { checkNickName } from '../../../packages/contract/nickname'
import { parseEvent } from '../../../packages/cloud-kit/validate'
import { publicView, updatedCount, USERS, type PublicUser } from '../../../packages/cloud-kit/users'

// the nickname arrives as typed; its rules (packages/contract/nickname.ts) answer with their own codes below
const Event = v.pipe(
  v.object({
    nickName: v.optional(v.pipe(v.string('昵称必须是文字'), v.maxLength(1024, '昵称太长了'))),
    avatarFileId: v.optional(v.pipe(v.string(), v.maxLength(512), v.startsWith('cloud://', '头像文件无效'))),
  }),
  v.check((e) => e.nickName !== undefined || e.avatarFileId !== undefined, '没有要保存的资料'),
)

/**
 * Saves the nickname (our rules, then WeChat's content check msgSecCheck v2) and avatar of the caller's
 * profile. If the record is gone or frozen by a deletion meanwhile, nothing is saved and the new avatar file
 * is removed, so a racing deletion leaves no file and no `ok` behind.
 */
export async function main(event: unknown): Promise<Result<{ user: PublicUser }>> {
  const parsed = parseEvent(Event, event)
  if ('error' in parsed) return parsed.error
  const { avatarFileId } = parsed.value
  let nickName: string | undefined
  if (parsed.value.nickName !== undefined) {
    const checked = checkNickName(parsed.value.nickName)
    if ('problem' in checked) return fail(checked.problem)
    nickName = checked.value
  }
  const caller = callerOf(cloud.getWXContext())
  const OPENID = caller?.openid
  const db = cloud.database()
  let saved = false
  // set once the file is known to be in the caller's own folder: only then may a failure remove it
  let ownUpload: string | undefined
  try {
    const found = await currentUser(db, caller, { requireConsent: true })
    if ('error' in found) return found.error
    const { user } = found
    if (avatarFileId !== undefined && !isInUserFolder(avatarFileId, user._id)) {
      return fail('INVALID_INPUT', 'avatarFileId: 头像必须上传到你自己的目录')
    }
    if (avatarFileId !== undefined && avatarFileId !== user.avatarFileId) ownUpload = avatarFileId
    if (nickName !== undefined && nickName !== user.nickName) {
      const verdict = await checkText(nickName, OPENID!)
      if (verdict !== 'pass') return fail('RISKY_CONTENT')
    }
    const changes: Record<string, string> = {}
    if (nickName !== undefined) changes.nickName = nickName
    if (avatarFileId !== undefined) changes.avatarFileId = avatarFileId
    const res = await db
      .collection(USERS)
      .where({ _id: user._id, status: 'active' })
      .update({ data: { ...changes, updatedAt: db.serverDate() } })
    if (updatedCount(res) !== 1) {
      await removeQuietly(ownUpload)
      return fail('NOT_LOGGED_IN')
    }
    saved = true
    // the replaced avatar is removed; if that fails it is remembered so deleteAccount removes it later
    if (avatarFileId && user.avatarFileId && user.avatarFileId !== avatarFileId) {
      await replaceOld(user._id, user.avatarFileId)
    }
    return ok({ user: publicView({ ...user, ...changes }, caller!.appid) })
  } catch (e) {
    console.error('updateProfile failed', e)
    if (!saved) await removeQuietly(ownUpload)
    return fail('UPSTREAM')
  }

  async function replaceOld(userId: string, old: string): Promise<void> {
    const gone = await deleteFiles([old]).then(
      ({ fileList }) => fileList.every((f) => f.status === 0 || /not exist|NONEXIST/i.test(f.errMsg ?? '')),
      () => false,
    )
    if (gone) return
    console.warn('old avatar not deleted; kept for deleteAccount', old)
    try {
      await db
        .collection(USERS)
        .where({ _id: userId, status: 'active' })
        .update({ data: { staleFiles: db.command.push([old]) } })
    } catch (e) {
      console.warn('stale avatar not recorded', e)
    }
  }
}

/** Deletes an uploaded file that did not end up in a profile (best effort: the client deletes it as well). */
async function removeQuietly(fileID: string | undefined): Promise<void> {
  if (!fileID) return
  await deleteFiles([fileID]).catch((e: unknown) => console.warn('unsaved avatar not deleted', e))
}

/** security.msgSecCheck v2: 'pass', 'review' or 'risky'; anything but 'pass' is refused. */
async function checkText(content: string, openid: string): Promise<string> {
  // https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/sec-center/sec-check/msgSecCheck.html (scene 1: 资料)
  const res = (await cloud.openapi.security.msgSecCheck({ content, version: 2, scene: 1, openid })) as {
    result?: { suggest?: string }
  }
  return res.result?.suggest ?? 'risky'
}
