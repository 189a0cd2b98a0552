import { existsSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import { emulatorAppSecret } from '../../emulator/src/http/wechat-api'
import type { HttpExchanger } from '../../emulator/src/simulated-wx'
import type { Emulator } from '../../emulator/src'
import { SERVER_LIBRARY, startServerWorker, type WorkerServer } from './auth-server-worker'

/** The weapp built with TARO_APP_AUTH_PROVIDER=http (scripts/test.mjs builds it). */
export const HTTP_WEAPP_DIST = join(__dirname, '..', '..', 'test-output', 'weapp-http')
/** TARO_APP_AUTH_SERVER_URL of that build: requests to it are routed to the server under test. */
export const AUTH_SERVER_ORIGIN = 'https://weauth-server.test'

export interface AuthServerHandle {
  server(): WorkerServer
  /** wx.request for the simulated client: AUTH_SERVER_ORIGIN goes to the server, anything else fails like DNS */
  request: HttpExchanger
  /** while true, requests to the server fail like a dropped connection */
  offline: boolean
  /** the next `times` requests to the server fail with this reason ('timeout': the client gave up waiting) */
  failNext(reason: string, times?: number): void
}

/** Starts the reference login server against this test file's emulator (its jscode2session) and stops it after. */
export function useAuthServer(emulator: () => Emulator): AuthServerHandle {
  let server: WorkerServer | undefined
  beforeAll(async () => {
    for (const built of [join(HTTP_WEAPP_DIST, 'app.js'), SERVER_LIBRARY]) {
      if (!existsSync(built))
        throw new Error(`${built} is missing: run \`npm test\` (or its build steps in scripts/test.mjs) first`)
    }
    const appid = emulator().ctx.appid
    server = await startServerWorker({
      WEAUTH_APPID: appid,
      WEAUTH_APP_SECRET: emulatorAppSecret(appid),
      WEAUTH_TOKEN_SECRET: 'page-tests-token-secret-0123456789abcdef',
      WEAUTH_WECHAT_API: emulator().url,
      WEAUTH_PUBLIC_URL: AUTH_SERVER_ORIGIN,
      PORT: '0',
    })
  }, 60_000)
  afterAll(async () => {
    await server?.close()
  })
  const failures: string[] = []
  const handle: AuthServerHandle = {
    offline: false,
    failNext(reason, times = 1) {
      for (let i = 0; i < times; i++) failures.push(reason)
    },
    server() {
      if (!server) throw new Error('the login server is not running (used outside a test?)')
      return server
    },
    request: ({ url, method, header, body, timeoutMs }) => {
      const target = new URL(url)
      if (target.origin !== AUTH_SERVER_ORIGIN)
        return Promise.reject(new Error(`getaddrinfo ENOTFOUND ${target.hostname}`))
      if (handle.offline) return Promise.reject(new Error('net::ERR_CONNECTION_RESET'))
      const failure = failures.shift()
      if (failure) return Promise.reject(new Error(failure))
      const local = new URL(`${target.pathname}${target.search}`, handle.server().url)
      return new Promise((resolve, reject) => {
        const req = request(local, { method, headers: header, timeout: timeoutMs }, (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('end', () => {
            const headers: Record<string, string> = {}
            for (const [k, v] of Object.entries(res.headers))
              if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v
            resolve({ statusCode: res.statusCode ?? 0, header: headers, body: Buffer.concat(chunks).toString('utf8') })
          })
        })
        req.on('timeout', () => req.destroy(new Error('timeout')))
        req.on('error', reject)
        req.end(body)
      })
    },
  }
  return handle
}
