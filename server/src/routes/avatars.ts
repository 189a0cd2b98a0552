import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../http/context'
import { HttpError } from '../http/http-error'

/**
 * GET /avatars/{id}: an avatar stored by POST /auth/profile, with the type sniffed at upload and `nosniff`,
 * so the browser never guesses another. Ids are random and change with every upload: cacheable for a year.
 */
export function avatarRoute(app: FastifyInstance, ctx: AppContext): void {
  app.get('/avatars/:id', async (request, reply) => {
    const { id } = request.params as { id: string }
    if (!/^[0-9a-f]{24}$/.test(id)) throw new HttpError(404, 'NOT_FOUND')
    const avatar = await ctx.store.avatar(id)
    if (!avatar) throw new HttpError(404, 'NOT_FOUND')
    return reply
      .header('content-type', avatar.contentType)
      .header('cache-control', 'public, max-age=31536000, immutable')
      .header('content-security-policy', "default-src 'none'")
      .send(avatar.bytes)
  })
}
