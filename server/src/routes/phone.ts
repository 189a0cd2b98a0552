import type { FastifyInstance } from 'fastify'
import { decryptData } from '../decrypt'
import type { AppContext } from '../http/context'
import { authenticator, authOf } from '../http/authenticate'
import { HttpError, rateLimited, upstream } from '../http/http-error'
import { withSessionKey } from '../http/open-data'
import { publicUser, requireConsent } from '../http/public-user'
import { WeChatUnavailable } from '../wechat-client'

const PhoneBody = {
  type: 'object',
  oneOf: [
    { required: ['code'], properties: { code: { type: 'string', minLength: 1, maxLength: 256 } } },
    {
      required: ['encryptedData', 'iv'],
      properties: {
        encryptedData: { type: 'string', minLength: 1, maxLength: 8192 },
        iv: { type: 'string', minLength: 1, maxLength: 64 },
      },
    },
  ],
} as const

/**
 * POST /auth/phone {code} | {encryptedData, iv}: binds the user's phone number. The dynamic code (base
 * library 2.21.2+) is exchanged at wxa/business/getuserphonenumber with the shared access token; older
 * clients' encryptedData is decrypted here with the session_key only this server holds.
 * https://developers.weixin.qq.com/miniprogram/dev/framework/open-ability/getPhoneNumber.html
 */
export function phoneRoute(app: FastifyInstance, ctx: AppContext): void {
  app.post('/auth/phone', { schema: { body: PhoneBody }, preHandler: authenticator(ctx) }, async (request) => {
    const { user } = authOf(request)
    requireConsent(user)
    await ctx.limiter.take(`write:${user.id}`, ctx.config.limits.writesPerUser)
    const body = request.body as { code?: string; encryptedData?: string; iv?: string }
    let phoneNumber: string
    let countryCode: string
    if (body.code !== undefined) {
      let result
      try {
        result = await ctx.wechat.getPhoneNumber(body.code)
      } catch (e) {
        if (e instanceof WeChatUnavailable) throw upstream()
        throw e
      }
      if (!result.ok) {
        request.log.info({ event: 'getuserphonenumber.error', errcode: result.errcode })
        if (result.errcode === 40029 || result.errcode === 40163) throw new HttpError(400, 'PHONE_CODE_INVALID')
        if (result.errcode === 45011 || result.errcode === 45009) throw rateLimited(60)
        // 1400001: the account's free phone-verification quota is spent
        if (result.errcode === 1400001) throw new HttpError(429, 'PHONE_QUOTA', undefined, { 'retry-after': '3600' })
        throw upstream()
      }
      phoneNumber = result.purePhoneNumber
      countryCode = result.countryCode
    } else {
      const data = await withSessionKey(ctx, request, user, (sessionKey) =>
        decryptData<{ purePhoneNumber?: unknown; phoneNumber?: unknown; countryCode?: unknown }>({
          encryptedData: body.encryptedData!,
          iv: body.iv!,
          sessionKey,
          appid: ctx.config.appid,
          now: ctx.now(),
          maxAgeSeconds: ctx.config.openDataMaxAgeSeconds,
        }),
      )
      const pure = data.purePhoneNumber ?? data.phoneNumber
      if (typeof pure !== 'string' || !/^\+?\d{5,20}$/.test(pure))
        throw new HttpError(400, 'OPEN_DATA_INVALID', '数据校验失败，请重试')
      phoneNumber = pure
      countryCode = String(data.countryCode ?? '86')
    }
    const updated = await ctx.store.updateUser(user.id, { phoneNumber, countryCode })
    return { ok: true, user: publicUser(updated ?? user) }
  })
}
