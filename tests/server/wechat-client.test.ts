import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createTlsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createWeChatClient, WeChatUnavailable } from '../../server/src/wechat-client'

/**
 * The WeChat client against servers that misbehave in the ways a network or a wrong endpoint can: what reaches
 * the routes is always either WeChat's JSON or WeChatUnavailable (502 UPSTREAM), never a hang or a crash.
 */
type Handler = (req: IncomingMessage, res: ServerResponse) => void

const servers: Server[] = []
afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections()
    await new Promise((r) => s.close(r))
  }
})

async function listen(server: Server, protocol: 'http' | 'https' = 'http'): Promise<string> {
  servers.push(server)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return `${protocol}://127.0.0.1:${(server.address() as AddressInfo).port}`
}

const wechatAt = (baseUrl: string, timeoutMs = 5000) =>
  createWeChatClient({ baseUrl, appid: 'wx0000000000000000', secret: 's'.repeat(32), timeoutMs })

const answering = (handler: Handler) => listen(createServer(handler))

const unavailable = async (call: Promise<unknown>): Promise<string> => {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(WeChatUnavailable)
  return (error as Error).message
}

describe('WeChat client', () => {
  test("jscode2session's JSON sent as text/plain is read, and the query carries appid, secret and the code", async () => {
    let query: URLSearchParams | undefined
    const url = await answering((req, res) => {
      query = new URL(req.url ?? '/', 'http://x').searchParams
      res.writeHead(200, { 'content-type': 'text/plain' })
      res.end(JSON.stringify({ openid: 'o1', session_key: 'k1', unionid: 'u1' }))
    })
    expect(await wechatAt(url).code2Session('a code/with+odd chars')).toEqual({
      ok: true,
      openid: 'o1',
      sessionKey: 'k1',
      unionid: 'u1',
    })
    expect(Object.fromEntries(query!)).toEqual({
      appid: 'wx0000000000000000',
      secret: 's'.repeat(32),
      grant_type: 'authorization_code',
      js_code: 'a code/with+odd chars',
    })
  })

  test('calls reuse kept-alive connections', async () => {
    let connections = 0
    const server = createServer((_req, res) => res.end(JSON.stringify({ openid: 'o1', session_key: 'k1' })))
    server.on('connection', () => (connections += 1))
    const wechat = wechatAt(await listen(server))
    for (let i = 0; i < 20; i++) await wechat.code2Session(`code${i}`)
    // a call made the moment the previous one completes may find its connection not yet free and open a second
    expect(connections).toBeLessThanOrEqual(2)
  })

  test('a 5xx is WeChat unavailable, whatever its body', async () => {
    const url = await answering((_req, res) => {
      res.writeHead(503, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ openid: 'o1', session_key: 'k1' }))
    })
    expect(await unavailable(wechatAt(url).code2Session('c'))).toBe('HTTP 503')
  })

  test('an answer that is not a JSON object is WeChat unavailable', async () => {
    for (const body of ['<html>bad gateway</html>', '[1,2]', 'null', '']) {
      const url = await answering((_req, res) => res.end(body))
      expect(await unavailable(wechatAt(url).code2Session('c'))).toBe('HTTP 200: not a JSON object')
    }
  })

  test('an answer over 1 MiB is WeChat unavailable', async () => {
    const url = await answering((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' })
      res.end(`{"openid":"o1","session_key":"k1","pad":"${'x'.repeat(1024 * 1024)}"}`)
    })
    expect(await unavailable(wechatAt(url).code2Session('c'))).toBe('response too large')
  })

  test('no answer within the timeout, or an answer that stalls, is WeChat unavailable', async () => {
    const silent = await answering(() => undefined)
    expect(await unavailable(wechatAt(silent, 200).code2Session('c'))).toBe('no answer within 200 ms')
    const stalling = await answering((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' })
      res.write('{"openid":')
    })
    expect(await unavailable(wechatAt(stalling, 200).code2Session('c'))).toBe('no answer within 200 ms')
  })

  test('a closed port and an unsupported protocol are WeChat unavailable', async () => {
    const server = createServer()
    const url = await listen(server)
    await new Promise((r) => server.close(r))
    await unavailable(wechatAt(url).code2Session('c'))
    expect(await unavailable(wechatAt('ftp://127.0.0.1:21').code2Session('c'))).toBe('unsupported protocol')
  })

  test("POSTs send JSON; stable_token's access token is fetched once and reused", async () => {
    const seen: Array<{ path: string; type?: string; body: unknown }> = []
    const url = await answering((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        const path = new URL(req.url ?? '/', 'http://x').pathname
        seen.push({ path, type: req.headers['content-type'], body: JSON.parse(Buffer.concat(chunks).toString()) })
        res.end(
          JSON.stringify(
            path === '/cgi-bin/stable_token'
              ? { access_token: 'AT', expires_in: 7200 }
              : { errcode: 0, result: { suggest: 'pass' } },
          ),
        )
      })
    })
    const wechat = wechatAt(url)
    expect(await wechat.checkText('o1', '昵称')).toEqual({ ok: true, suggest: 'pass' })
    expect(await wechat.checkText('o1', '另一个')).toEqual({ ok: true, suggest: 'pass' })
    expect(seen.map((s) => s.path)).toEqual(['/cgi-bin/stable_token', '/wxa/msg_sec_check', '/wxa/msg_sec_check'])
    expect(seen.every((s) => s.type === 'application/json')).toBe(true)
    expect(seen[1].body).toEqual({ content: '昵称', version: 2, scene: 1, openid: 'o1' })
  })

  test('HTTPS checks the certificate: a self-signed one is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weauth-tls-'))
    try {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:prime256v1',
          '-nodes',
          '-subj',
          '/CN=127.0.0.1',
          '-days',
          '1',
          '-keyout',
          join(dir, 'key.pem'),
          '-out',
          join(dir, 'cert.pem'),
        ],
        { stdio: 'ignore' },
      )
      let reached = false
      const server = createTlsServer(
        { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
        (_req, res) => {
          reached = true
          res.end(JSON.stringify({ openid: 'o1', session_key: 'k1' }))
        },
      )
      const url = await listen(server, 'https')
      expect(await unavailable(wechatAt(url).code2Session('c'))).toMatch(/self[- ]signed certificate/)
      expect(reached).toBe(false)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
