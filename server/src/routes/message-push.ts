import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import * as v from 'valibot'
import { pushAction, revokedItems, UserInfoPush } from '../../../packages/contract/user-info-push'
import { accountOfIdentity, clearRevoked, compactAfterErase } from '../db/erase'
import type { AppContext } from '../http/context'
import { eraseWithReceipt } from '../http/erase-account'
import { HttpError } from '../http/http-error'

/**
 * WeChat's message push in server-URL mode (消息推送 → URL, Token, 明文模式, 数据格式 JSON), for the same
 * 授权用户信息变更 events the cloud's userInfoChanges handles (packages/contract/user-info-push.ts).
 * https://developers.weixin.qq.com/miniprogram/dev/framework/server-ability/message-push.html
 *  - GET ?signature&timestamp&nonce&echostr: the console's URL check. signature = sha1 of the Token, timestamp
 *    and nonce sorted as strings and joined; a match answers echostr as is, anything else 403.
 *  - POST ?signature&timestamp&nonce with the JSON push: the same signature check (403 when it fails), a
 *    timestamp within 5 minutes (WeChat redelivers within seconds; an old captured push is not replayed, 403),
 *    then the push validated (400 when malformed or for a mini program this server does not serve: nothing
 *    changes, and it is logged) and handled idempotently; "success" tells WeChat it landed.
 * Only 明文模式 (plain JSON): 安全模式's encrypted body (EncodingAESKey, msg_signature) is not implemented, so
 * choose 明文模式 in the console (the push then rides on your https origin).
 * Off (404) unless WEAUTH_PUSH_TOKEN is set.
 */
const MAX_SKEW_SECONDS = 300

const Query = {
  type: 'object',
  required: ['signature', 'timestamp', 'nonce'],
  properties: {
    signature: { type: 'string', pattern: '^[0-9a-f]{40}$' },
    timestamp: { type: 'string', pattern: '^[0-9]{1,12}$' },
    nonce: { type: 'string', pattern: '^[0-9A-Za-z]{1,64}$' },
    echostr: { type: 'string', pattern: '^[0-9A-Za-z_-]{1,128}$' },
  },
} as const

interface PushQuery {
  signature: string
  timestamp: string
  nonce: string
  echostr?: string
}

/** WeChat's signature: sha1(sort([token, timestamp, nonce]).join('')), hex. */
export function pushSignature(token: string, timestamp: string, nonce: string): string {
  return createHash('sha1').update([token, timestamp, nonce].sort().join('')).digest('hex')
}

function signedByWeChat(ctx: AppContext, request: FastifyRequest, query: PushQuery): boolean {
  const expected = Buffer.from(pushSignature(ctx.config.pushToken!, query.timestamp, query.nonce))
  const given = Buffer.from(query.signature)
  const ok = given.length === expected.length && timingSafeEqual(given, expected)
  if (!ok) request.log.warn({ event: 'push.refused', reason: 'signature' })
  return ok
}

export function messagePushRoute(app: FastifyInstance, ctx: AppContext): void {
  const enabled = (request: FastifyRequest) => {
    if (!ctx.config.pushToken) throw new HttpError(404, 'NOT_FOUND', `no route ${request.url.split('?')[0]}`)
  }

  app.get('/wechat/push', { schema: { querystring: Query } }, async (request, reply) => {
    enabled(request)
    const query = request.query as PushQuery
    if (!query.echostr) throw new HttpError(400, 'INVALID_INPUT', 'echostr: 缺少')
    if (!signedByWeChat(ctx, request, query)) throw new HttpError(403, 'NOT_LOGGED_IN', '签名无效')
    return reply.type('text/plain; charset=utf-8').send(query.echostr)
  })

  app.post('/wechat/push', { schema: { querystring: Query } }, async (request, reply) => {
    enabled(request)
    const query = request.query as PushQuery
    if (!signedByWeChat(ctx, request, query)) throw new HttpError(403, 'NOT_LOGGED_IN', '签名无效')
    if (Math.abs(ctx.now() / 1000 - Number(query.timestamp)) > MAX_SKEW_SECONDS) {
      request.log.warn({ event: 'push.refused', reason: 'stale timestamp' })
      throw new HttpError(403, 'NOT_LOGGED_IN', '推送已过期')
    }
    const parsed = v.safeParse(UserInfoPush, request.body)
    if (!parsed.success) {
      request.log.warn({
        event: 'push.refused',
        reason: 'malformed',
        at: parsed.issues[0]?.path?.map((p) => p.key).join('.'),
      })
      throw new HttpError(400, 'INVALID_INPUT', '推送内容无效')
    }
    const push = parsed.output
    if (!ctx.config.apps.some((a) => a.appid === push.AppID)) {
      request.log.warn({ event: 'push.refused', reason: 'AppID is not a mini program of this server' })
      throw new HttpError(400, 'INVALID_INPUT', '推送内容无效')
    }
    const revoked = revokedItems(push)
    if (!revoked) {
      request.log.warn({ event: 'push.refused', reason: 'RevokeInfo missing or not numeric' })
      throw new HttpError(400, 'INVALID_INPUT', '推送内容无效')
    }
    const done = (outcome: string, extra: Record<string, unknown> = {}) => {
      request.log.info({ event: 'push.handled', type: push.Event, outcome, ...extra })
      return reply.type('text/plain; charset=utf-8').send('success')
    }
    const userId = await accountOfIdentity(ctx.store.db, push.AppID, push.OpenID)
    // an account already deleted, or never created: nothing to do (a redelivery ends here too)
    if (!userId) return done('none')
    const action = pushAction(push, revoked)
    if (action.kind === 'delete') {
      const receipt = await eraseWithReceipt(ctx, request.log, userId)
      return done('deleted', { users: receipt.users })
    }
    if (action.kind === 'none') return done('none', { revoked })
    const cleared = await clearRevoked(ctx.store.db, userId, action)
    try {
      await compactAfterErase(ctx.store.db, ctx.config.eraseCompaction)
    } catch (e) {
      request.log.error({ event: 'erase.compaction-failed', err: e })
    }
    return done('cleared', { cleared: cleared.cleared, avatars: cleared.avatarIds.length })
  })
}
