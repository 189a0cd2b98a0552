import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../http/context'
import { authenticator, authOf } from '../http/authenticate'
import { publicUser } from '../http/public-user'
import { eraseWithReceipt } from '../http/erase-account'

/**
 * The signed-in account: GET /auth/me, POST /auth/logout (this session), POST /auth/logout-all (every
 * session of the user: "log out everywhere"), DELETE /auth/me (the account, for real).
 */
export function accountRoutes(app: FastifyInstance, ctx: AppContext): void {
  const preHandler = authenticator(ctx)

  app.get('/auth/me', { preHandler }, async (request) => ({ ok: true, user: publicUser(authOf(request).user) }))

  app.post('/auth/logout', { preHandler }, async (request) => {
    const { claims, user } = authOf(request)
    await ctx.store.revokeSession(claims.sid, new Date(ctx.now()))
    request.log.info({ event: 'logout', userId: user.id })
    return { ok: true }
  })

  app.post('/auth/logout-all', { preHandler }, async (request) => {
    const { user } = authOf(request)
    const sessions = await ctx.store.revokeAllSessions(user.id, new Date(ctx.now()), 'logout-all')
    request.log.info({ event: 'logout-all', userId: user.id, sessions })
    return { ok: true, sessions }
  })

  /**
   * one transaction: the user row and, by cascade, every identity, session (so every token, on every device),
   * refresh token and avatar; the session_keys; then the bytes wiped from the data files (db/erase.ts). The
   * receipt says what was removed and when, as the cloud's deleteAccount does.
   */
  app.delete('/auth/me', { preHandler }, async (request) => {
    const { user } = authOf(request)
    return { ok: true, deleted: await eraseWithReceipt(ctx, request.log, user.id) }
  })
}
