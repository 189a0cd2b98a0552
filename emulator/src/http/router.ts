import type { IncomingMessage, ServerResponse } from 'node:http'
import { randomUUID } from 'node:crypto'
import { CloudError } from '../core/errors'
import type { Services } from '../core/services'
import { rawBodyOf } from '../cloud-openapi'
import { readBody } from './body'
import { sendJson } from './respond'
import { handleAdmin } from './admin-api'
import { handleClient } from './client-api'
import { handleControl } from './control-api'
import { handleWeChatApi } from './wechat-api'
import { asCloudError, clientReply } from './client-reply'
import { controlRefusal, hostAllowed } from './request-guard'

export type HttpHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>

/**
 * The emulator's one HTTP entry: extra handlers first (the playground's pages), then each service's own URLs
 * (storage), WeChat's server API, and the emulator's APIs: /admin (wx-server-sdk), /client/<action> (the
 * simulated base library), /control/<op> (the emulator's own panel). Until start-up has finished there are no
 * services, and every request is answered 503 instead of reaching half-built state.
 */
export interface RouterOptions {
  port: () => number
  /** host names besides localhost and IP addresses that may be used to reach the emulator */
  allowedHosts: readonly string[]
  controlToken: string
}

export function createRouter(getServices: () => Services | undefined, extra: HttpHandler[], options: RouterOptions) {
  // every request of a client names the same Host: one that passed is remembered, not parsed again
  const passedHosts = new Set<string>()
  const allowed = (req: IncomingMessage): boolean => {
    const port = options.port()
    const key = `${port} ${req.headers.host}`
    if (passedHosts.has(key)) return true
    if (!hostAllowed(req, port, options.allowedHosts)) return false
    if (passedHosts.size < 16) passedHosts.add(key)
    return true
  }
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // only a refusal or an error reply carries a request id: made then, not for every request
    let id: string | undefined
    const requestId = () => (id ??= randomUUID())
    try {
      if (!allowed(req)) {
        req.resume()
        return sendJson(res, 403, {
          code: 'INVALID_REQUEST_SOURCE',
          message: 'reach the emulator by IP address or localhost on its own port (Host refused)',
          requestId: requestId(),
        })
      }
      const services = getServices()
      if (!services) {
        req.resume()
        res.setHeader('retry-after', '1')
        return sendJson(res, 503, {
          code: 'RESOURCE_NOT_INITIAL',
          message: 'the emulator is starting',
          requestId: requestId(),
        })
      }
      for (const handle of extra) if (await handle(req, res)) return
      const url = new URL(req.url ?? '/', 'http://emulator')
      // WeChat's own paths first (a login's jscode2session is the busiest of them all); none is under /storage/
      if (await handleWeChatApi(services, req, res, url)) return
      if (await services.storage.http(req, res)) return
      if (req.method === 'GET' && url.pathname === '/health')
        return sendJson(res, 200, { ok: true, envId: services.ctx.envId })
      if (req.method !== 'POST')
        return sendJson(res, 405, { code: 'INVALID_PARAM', message: 'POST only', requestId: requestId() })
      const [, area, name] = url.pathname.split('/')
      if (area === 'control') {
        const refusal = controlRefusal(req, options.controlToken)
        if (refusal) {
          req.resume()
          return sendJson(res, 403, { ok: false, code: 'INVALID_REQUEST_SOURCE', errCode: -501008, errMsg: refusal })
        }
      }
      if (url.pathname === '/admin') {
        try {
          const reply = await handleAdmin(services, req, await readBody(req))
          // 云调用 answers in protobuf, not JSON (emulator/src/cloud-openapi/replies.ts)
          const raw = rawBodyOf(reply)
          if (!raw) return sendJson(res, 200, { ...reply, requestId: requestId() })
          res.writeHead(200, { 'content-type': raw.contentType, 'content-length': raw.body.length })
          return void res.end(raw.body)
        } catch (e) {
          return sendJson(res, 200, asCloudError(e).toAdminBody(requestId()))
        }
      }
      if ((area === 'client' || area === 'control') && name) {
        // a body that cannot be read is the request's fault: 400, in the reply shape these callers expect
        let params: Record<string, unknown>
        try {
          params = await readBody(req)
        } catch (e) {
          const err = asCloudError(e)
          return sendJson(res, 400, { ok: false, errCode: err.errCode, errMsg: err.message, code: err.code })
        }
        if (area === 'control')
          return sendJson(res, 200, await clientReply(() => handleControl(services, name, params)))
        const ip = req.socket.remoteAddress ?? '127.0.0.1'
        const token = req.headers['x-weauth-token']
        return sendJson(res, 200, await clientReply(() => handleClient(services, name, token, params, ip)))
      }
      sendJson(res, 404, { code: 'INVALID_PARAM', message: `no route ${url.pathname}`, requestId: requestId() })
    } catch (e) {
      const err = e instanceof CloudError ? e : asCloudError(e)
      if (!res.headersSent) sendJson(res, 400, err.toAdminBody(requestId()))
    } finally {
      // a body refused part-way is still arriving: answer, then close instead of reading it for keep-alive
      if (!req.complete && !res.headersSent) res.setHeader('connection', 'close')
    }
  }
}
