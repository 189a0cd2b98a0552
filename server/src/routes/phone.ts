import type { FastifyInstance } from 'fastify'
import { decryptData } from '../decrypt'
import type { AppContext } from '../http/context'
import { authenticator, authOf } from '../http/authenticate'
import { HttpError, unauthorized } from '../http/http-error'
import { exchangePhoneCode } from '../http/phone-exchange'
import { withSessionKey } from '../http/open-data'
import { asSeenBy, publicUser, requireConsent } from '../http/public-user'

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
    const { user, identity } = authOf(request)
    requireConsent(user)
    ctx.limiter.take(`write:${user.id}`, ctx.config.limits.writesPerUser)
    const body = request.body as { code?: string; encryptedData?: string; iv?: string }
    let phoneNumber: string
    let countryCode: string
    if (body.code !== undefined) {
      ;({ phoneNumber, countryCode } = await exchangePhoneCode(ctx, request, identity, body.code))
    } else {
      const data = await withSessionKey(ctx, request, user, identity, (sessionKey) =>
        decryptData<{ purePhoneNumber?: unknown; phoneNumber?: unknown; countryCode?: unknown }>({
          encryptedData: body.encryptedData!,
          iv: body.iv!,
          sessionKey,
          appid: identity.appid,
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
    // the user deleted meanwhile: no number is stored and no `ok` answered
    const updated = await ctx.store.updateUser(user.id, { phoneNumber, countryCode })
    if (!updated) throw unauthorized('NOT_LOGGED_IN')
    return { ok: true, user: publicUser(asSeenBy(updated, user)) }
  })
}
