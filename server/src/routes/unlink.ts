import type { FastifyInstance } from 'fastify'
import * as v from 'valibot'
import { linkedAppCount, unlinkIdentity } from '../db/unlink'
import { authenticator, authOf } from '../http/authenticate'
import type { AppContext } from '../http/context'
import { receiptOf } from '../http/erase-account'
import { unauthorized } from '../http/http-error'
import { check } from '../http/validate'

const UnlinkBody = {
  type: 'object',
  required: ['action'],
  properties: {
    action: { type: 'string', enum: ['preview', 'unlink'] },
    confirm: { type: 'boolean' },
  },
} as const

// the cloud's unlinkApp event, word for word (cloudfunctions/unlinkApp)
const Unlink = v.variant('action', [
  v.object({ action: v.literal('preview') }),
  v.object({ action: v.literal('unlink'), confirm: v.literal(true, '解除关联需要确认') }),
])

/**
 * POST /auth/unlink: "解除本小程序的关联" over HTTP, answering what the cloud's unlinkApp answers, so the unlink page
 * works on either backend. `{action: preview}` → `{apps}`: how many mini programs the account is signed into from
 * (1 = unlinking is a deletion); `{action: unlink, confirm: true}` → `{unlinked: {accountDeleted: false,
 * otherApps, at}}`, or, when the caller's identity was the last, `{unlinked: {accountDeleted: true, receipt}}` with
 * the receipt DELETE /auth/me answers. One transaction (db/unlink.ts): a failed write changes nothing.
 */
export function unlinkRoute(app: FastifyInstance, ctx: AppContext): void {
  app.post('/auth/unlink', { schema: { body: UnlinkBody }, preHandler: authenticator(ctx) }, async (request) => {
    const { user, identity } = authOf(request)
    const body = check(Unlink, request.body)
    if (body.action === 'preview') return { ok: true, apps: await linkedAppCount(ctx.store.db, user.id) }
    ctx.limiter.take(`write:${user.id}`, ctx.config.limits.writesPerUser)
    const now = new Date(ctx.now())
    const outcome = await unlinkIdentity(ctx.store.db, user.id, identity, ctx.config.appid, now)
    if ('gone' in outcome) throw unauthorized('NOT_LOGGED_IN')
    if ('erased' in outcome) {
      const receipt = await receiptOf(ctx, request.log, user.id, outcome.erased, now)
      return { ok: true, unlinked: { accountDeleted: true, receipt } }
    }
    request.log.info({ event: 'account.unlinked', userId: user.id, appid: identity.appid })
    return {
      ok: true,
      unlinked: { accountDeleted: false, otherApps: outcome.unlinked.otherApps, at: now.toISOString() },
    }
  })
}
