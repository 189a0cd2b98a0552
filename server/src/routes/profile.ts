import type { FastifyInstance, FastifyRequest } from 'fastify'
import * as v from 'valibot'
import { AVATAR_MAX_BYTES, sniffImageType } from '../avatars/image-type'
import { verifyRawData } from '../decrypt'
import { newId } from '../db/store'
import type { AppContext } from '../http/context'
import { authenticator, authOf } from '../http/authenticate'
import { HttpError, unauthorized } from '../http/http-error'
import { withSessionKey } from '../http/open-data'
import { asSeenBy, publicUser, requireConsent } from '../http/public-user'
import { check } from '../http/validate'
import { acceptableNickName } from '../http/nickname'

const AvatarUrl = v.pipe(
  v.string(),
  v.maxLength(512),
  v.url('头像地址无效'),
  v.regex(/^https?:\/\//, '头像地址必须是 http(s) 地址'),
)
// the nickname arrives as typed; its rules and WeChat's content check follow (http/nickname.ts)
const ProfileFields = v.pipe(
  v.object({
    nickName: v.optional(v.pipe(v.string('昵称必须是文字'), v.maxLength(1024, '昵称太长了'))),
    avatarUrl: v.optional(AvatarUrl),
  }),
  v.check((p) => p.nickName !== undefined || p.avatarUrl !== undefined, '没有要保存的资料'),
)
const SignedProfile = v.object({
  rawData: v.pipe(v.string(), v.minLength(2), v.maxLength(4096)),
  signature: v.pipe(v.string(), v.maxLength(64)),
})

interface Upload {
  nickName?: string
  avatar?: Buffer
}

/** A multipart body from wx.uploadFile: one `avatar` file (sniffed, capped) and an optional `nickName` field. */
async function readUpload(request: FastifyRequest): Promise<Upload> {
  const upload: Upload = {}
  for await (const part of request.parts()) {
    if (part.type === 'file') {
      if (part.fieldname !== 'avatar' || upload.avatar) {
        part.file.resume()
        throw new HttpError(400, 'INVALID_INPUT', `unexpected file field "${part.fieldname}"`)
      }
      upload.avatar = await part.toBuffer()
      if (part.file.truncated || upload.avatar.length > AVATAR_MAX_BYTES)
        throw new HttpError(413, 'PAYLOAD_TOO_LARGE', `头像不能超过 ${AVATAR_MAX_BYTES / 1024 / 1024} MB`)
    } else if (part.fieldname === 'nickName') {
      upload.nickName = String(part.value)
    } else {
      throw new HttpError(400, 'INVALID_INPUT', `unexpected field "${part.fieldname}"`)
    }
  }
  if (!upload.avatar) throw new HttpError(400, 'INVALID_INPUT', 'avatar: 缺少头像文件')
  return upload
}

/**
 * POST /auth/profile: nickname and avatar.
 *  - JSON {nickName?, avatarUrl?}: an avatar that lives elsewhere (an https URL);
 *  - JSON {rawData, signature}: wx.getUserProfile's profile, trusted only when sha1(rawData + session_key) matches;
 *  - multipart (wx.uploadFile) with an `avatar` image and an optional `nickName`: the image is stored in the
 *    database (instances keep nothing), served from GET /avatars/{id}, and saved with the nickname in one
 *    transaction, so a refused nickname leaves no file behind.
 */
export function profileRoute(app: FastifyInstance, ctx: AppContext): void {
  app.post('/auth/profile', { preHandler: authenticator(ctx) }, async (request) => {
    const { user, identity } = authOf(request)
    requireConsent(user)
    const nickNameOf = (typed: string | undefined) =>
      typed === undefined ? undefined : acceptableNickName(ctx, request, identity, typed, user.nickName)
    ctx.limiter.take(`write:${user.id}`, ctx.config.limits.writesPerUser)

    if (request.isMultipart()) {
      const upload = await readUpload(request)
      const contentType = sniffImageType(upload.avatar!)
      if (!contentType) throw new HttpError(400, 'INVALID_INPUT', 'avatar: 头像必须是 PNG、JPEG、GIF 或 WebP 图片')
      const nickName = await nickNameOf(upload.nickName)
      const avatarId = newId()
      const saved = await ctx.store.saveProfile(
        user.id,
        { nickName, avatarUrl: `${ctx.config.publicUrl}/avatars/${avatarId}` },
        { id: avatarId, contentType, bytes: upload.avatar!, now: new Date(ctx.now()) },
      )
      if (!saved) throw unauthorized('NOT_LOGGED_IN')
      return { ok: true, user: publicUser(asSeenBy(saved, user)) }
    }

    const body = (request.body ?? {}) as Record<string, unknown>
    if (typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'INVALID_INPUT', 'body: 必须是对象')
    let changes: { nickName?: string; avatarUrl?: string }
    if ('rawData' in body || 'signature' in body) {
      const { rawData, signature } = check(SignedProfile, body)
      const signed = await withSessionKey(ctx, request, user, identity, (sessionKey) =>
        verifyRawData<{ nickName?: unknown; avatarUrl?: unknown }>(rawData, signature, sessionKey),
      )
      changes = check(ProfileFields, { nickName: signed.nickName, avatarUrl: signed.avatarUrl || undefined })
    } else {
      changes = check(ProfileFields, { nickName: body.nickName, avatarUrl: body.avatarUrl })
    }
    const nickName = await nickNameOf(changes.nickName)
    const saved = await ctx.store.saveProfile(user.id, { ...changes, ...(nickName !== undefined ? { nickName } : {}) })
    // the user deleted meanwhile: nothing was stored, and no `ok` is answered
    if (!saved) throw unauthorized('NOT_LOGGED_IN')
    return { ok: true, user: publicUser(asSeenBy(saved, user)) }
  })
}
