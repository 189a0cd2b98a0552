import cors from '@fastify/cors'
import multipart from '@fastify/multipart'
import rateLimit, { type FastifyRateLimitStoreCtor } from '@fastify/rate-limit'
import Fastify, { type FastifyError, type FastifyInstance, type FastifyServerOptions } from 'fastify'
import { AVATAR_MAX_BYTES } from '../avatars/image-type'
import { sqlState } from '../db/database'
import { accountRoutes } from '../routes/account'
import { avatarRoute } from '../routes/avatars'
import { healthRoute } from '../routes/health'
import { loginRoute } from '../routes/login'
import { phoneRoute } from '../routes/phone'
import { profileRoute } from '../routes/profile'
import { refreshRoute } from '../routes/refresh'
import { consentRoute } from '../routes/consent'
import { phoneLoginRoute } from '../routes/phone-login'
import { messagePushRoute } from '../routes/message-push'
import { unlinkRoute } from '../routes/unlink'
import type { AppContext } from './context'
import { HttpError, rateLimited } from './http-error'
import { sharedRateLimitStore } from './limits'
import { OneLinePerRequest } from './request-log'

/** JSON bodies larger than this are refused before parsing (413); avatars have their own cap. */
export const MAX_BODY_BYTES = 16 * 1024

const REPLY_HEADERS = { 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' }

/** Errors of the framework and its plugins, as the contract's codes. */
function asHttpError(error: FastifyError): HttpError | null {
  if (error instanceof HttpError) return error
  if (error.validation) {
    const first = error.validation[0]
    const field =
      String(first?.instancePath || '')
        .replace(/^\//, '')
        .replace(/\//g, '.') || 'body'
    return new HttpError(400, 'INVALID_INPUT', `${field}: ${first?.message ?? 'invalid'}`)
  }
  const status = error.statusCode ?? 0
  if (status === 413) return new HttpError(413, 'PAYLOAD_TOO_LARGE')
  if (status === 415) return new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE')
  if (status === 429) return rateLimited(60)
  if (status >= 400 && status < 500) return new HttpError(400, 'INVALID_INPUT', error.message)
  return null
}

/** A database that refuses or cannot be reached: the request fails and changed nothing. */
const isDatabaseFailure = (e: unknown) =>
  /^[0-9A-Z]{5}$/.test(sqlState(e) ?? '') || /ECONNREFUSED|ECONNRESET|terminat|Connection/i.test(String(e))

export interface BuildOptions {
  logger?: FastifyServerOptions['logger']
}

/**
 * The server as a Fastify instance: routes in routes/, each with its JSON schema; replies in the contract's
 * shape `{ ok: true, ... }` or `{ ok: false, code, message }` (packages/contract/result.ts); Fastify's logger
 * (pino) with the Authorization header redacted; per-IP limits through @fastify/rate-limit over the shared
 * counters; CORS only for the configured origins.
 */
export async function buildApp(ctx: AppContext, options: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? {
      level: ctx.config.logLevel,
      redact: ['req.headers.authorization', 'req.headers.cookie'],
    },
    logController: new OneLinePerRequest(),
    bodyLimit: MAX_BODY_BYTES,
    trustProxy: ctx.config.trustProxy,
    requestTimeout: 15_000,
    // ids of our own making are hex; anything else in a path is not ours
    routerOptions: { maxParamLength: 64 },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
  })

  // wx.request sends `content-type: application/json` with an empty body when a POST has no data: that is
  // an empty body, not bad JSON; everything else goes through Fastify's parser (which refuses __proto__)
  const parseJson = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '') return done(null, undefined)
    parseJson(request, body as string, done)
  })

  const knownPaths = new Set<string>()
  app.addHook('onRoute', (route) => {
    knownPaths.add(route.url)
  })

  // every reply, errors included, is nosniff and no-store unless its route says otherwise (avatars are cached): set
  // when the request arrives, a route's own header replaces it; a plain hook, where an async onSend hook cost
  // every reply a promise and Fastify's onSend pass
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(REPLY_HEADERS)
    done()
  })

  if (ctx.config.corsOrigins.length > 0) {
    await app.register(cors, {
      origin: ctx.config.corsOrigins,
      methods: ['GET', 'POST', 'DELETE'],
      allowedHeaders: ['authorization', 'content-type'],
      maxAge: 600,
    })
  }
  await app.register(rateLimit, {
    global: false,
    store: sharedRateLimitStore(ctx.counters, ctx.now) as unknown as FastifyRateLimitStoreCtor,
    errorResponseBuilder: (_request, context) => rateLimited(context.ttl / 1000),
  })
  await app.register(multipart, {
    limits: { fileSize: AVATAR_MAX_BYTES, files: 1, fields: 4, fieldSize: 1024, parts: 5, headerPairs: 50 },
  })

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const known = asHttpError(error)
    if (known) {
      return reply
        .status(known.status)
        .headers(known.headers)
        .send({ ok: false, code: known.code, message: known.message })
    }
    if (isDatabaseFailure(error)) {
      request.log.error({ event: 'database.failure', err: error })
      return reply
        .status(503)
        .header('retry-after', '5')
        .send({ ok: false, code: 'UPSTREAM', message: '服务暂时不可用，请稍后重试' })
    }
    request.log.error({ event: 'internal-error', err: error })
    return reply.status(500).send({ ok: false, code: 'INTERNAL', message: '服务异常，请稍后重试' })
  })

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]
    const known = [...knownPaths].some((p) => p === path || new RegExp(`^${p.replace(/:[^/]+/g, '[^/]+')}$`).test(path))
    const error = known
      ? new HttpError(405, 'METHOD_NOT_ALLOWED', `${request.method} is not allowed on ${path}`)
      : new HttpError(404, 'NOT_FOUND', `no route ${path}`)
    return reply.status(error.status).send({ ok: false, code: error.code, message: error.message })
  })

  healthRoute(app, ctx)
  loginRoute(app, ctx)
  refreshRoute(app, ctx)
  accountRoutes(app, ctx)
  phoneRoute(app, ctx)
  profileRoute(app, ctx)
  avatarRoute(app, ctx)
  consentRoute(app, ctx)
  phoneLoginRoute(app, ctx)
  messagePushRoute(app, ctx)
  unlinkRoute(app, ctx)
  await app.ready()
  return app
}
