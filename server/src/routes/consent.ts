import type { FastifyInstance } from 'fastify'
import * as v from 'valibot'
import { PRIVACY_POLICY_VERSION } from '../../../packages/contract/privacy-policy'
import { authenticator, authOf } from '../http/authenticate'
import type { AppContext } from '../http/context'
import { unauthorized } from '../http/http-error'
import { publicUser } from '../http/public-user'
import { check } from '../http/validate'

const ConsentBody = {
  type: 'object',
  required: ['action'],
  properties: {
    action: { type: 'string', enum: ['accept', 'withdraw'] },
    version: { type: 'string', maxLength: 64 },
  },
} as const

const Consent = v.variant('action', [
  v.object({
    action: v.literal('accept'),
    version: v.literal(PRIVACY_POLICY_VERSION, '隐私政策已更新，请重新阅读后同意'),
  }),
  v.object({ action: v.literal('withdraw') }),
])

/**
 * POST /auth/consent {action: accept, version} | {action: withdraw}: the cloud's `consent` function over HTTP.
 * Only ever from a person's tap (the policy sheet's 同意, the user center's 撤回同意): `accept` records the current
 * policy version and when; `withdraw` clears both, and from then on profile and phone writes answer 403
 * CONSENT_REQUIRED until it is accepted again. Withdrawing keeps the account (deleting it is DELETE /auth/me).
 */
export function consentRoute(app: FastifyInstance, ctx: AppContext): void {
  app.post('/auth/consent', { schema: { body: ConsentBody }, preHandler: authenticator(ctx) }, async (request) => {
    const { user, identity } = authOf(request)
    const body = check(Consent, request.body)
    ctx.limiter.take(`write:${user.id}`, ctx.config.limits.writesPerUser)
    const accepting = body.action === 'accept'
    // this mini program's consent only: each app of the organisation has its own policy
    const updated = await ctx.store.setConsent(
      user.id,
      identity,
      accepting ? PRIVACY_POLICY_VERSION : null,
      new Date(ctx.now()),
    )
    if (!updated) throw unauthorized('NOT_LOGGED_IN')
    request.log.info({ event: accepting ? 'consent.accepted' : 'consent.withdrawn', userId: user.id })
    return { ok: true, user: publicUser(updated) }
  })
}
