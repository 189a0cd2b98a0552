import type { FastifyReply, FastifyRequest } from 'fastify'
import { LogController } from 'fastify'

/**
 * One log line per request: Fastify's "request completed" line carries the request too (method, url, client),
 * and what the route found worth saying (`request.outcome`, e.g. the login's user and whether it is new), where
 * Fastify's default writes an "incoming request" line first and a route its own event line. Each line is a
 * write to the log stream; a login at the default level `info` made three (https://fastify.dev/docs/latest/
 * Reference/Server/#logcontroller). The incoming line is still there at `debug`.
 */
export class OneLinePerRequest extends LogController {
  incomingRequest(request: FastifyRequest): void {
    request.log.debug({ req: request }, 'incoming request')
  }

  requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const line = { req: request, res: reply, responseTime: reply.elapsedTime, ...request.outcome }
    if (error) reply.log.error({ ...line, err: error }, 'request errored')
    else reply.log.info(line, 'request completed')
  }
}
