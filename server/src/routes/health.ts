import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../http/context'
import { HttpError } from '../http/http-error'

/** GET /health: 200 when the database answers, 503 otherwise (what a load balancer checks). */
export function healthRoute(app: FastifyInstance, ctx: AppContext): void {
  app.get('/health', async () => {
    try {
      await ctx.store.db.query('SELECT 1')
    } catch {
      throw new HttpError(503, 'UPSTREAM')
    }
    return { ok: true }
  })
}
