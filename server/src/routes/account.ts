import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../http/context'
import { authenticator, authOf } from '../http/authenticate'
import { publicUser } from '../http/public-user'

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

  /** one transaction: the user row and, by cascade, sessions, refresh tokens and avatars; then the session_key */
  app.delete('/auth/me', { preHandler }, async (request) => {
    const { user } = authOf(request)
    const deleted = await ctx.store.deleteUser(user.id)
    request.log.info({ event: 'account.deleted', userId: user.id })
    return { ok: true, deleted: { users: deleted ? 1 : 0 } }
  })
}
