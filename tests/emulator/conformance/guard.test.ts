import { request, type IncomingHttpHeaders } from 'node:http'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Signer } from '@cloudbase/signature-nodejs'
import { createRouter } from '../../../emulator/src/http/router'
import { useEmulator } from '../../helpers/emulator'

/** The emulator as an attacker's page or script would try it: every door needs what only this run has. */
const emulator = useEmulator()

function raw(path: string, headers: Record<string, string>, body = '{}') {
  const { port } = new URL(emulator().url)
  return new Promise<{ status: number; headers: IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', headers }, (res) => {
      let text = ''
      res.on('data', (c) => (text += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

const json = { 'content-type': 'application/json' }

describe('control API', () => {
  test('needs this run’s token', async () => {
    expect((await raw('/control/accounts.list', json)).status).toBe(403)
    const wrong = await raw('/control/accounts.list', { ...json, 'x-weauth-control-token': 'x'.repeat(24) })
    expect(wrong.status).toBe(403)
    const right = await raw('/control/accounts.list', { ...json, 'x-weauth-control-token': emulator().controlToken })
    expect(right.status).toBe(200)
    expect(JSON.parse(right.body)).toMatchObject({ ok: true })
  })

  test.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'])(
    'refuses a %s body, which a page may post cross-origin without asking',
    async (type) => {
      const reply = await raw('/control/reset', {
        'content-type': type,
        'x-weauth-control-token': emulator().controlToken,
      })
      expect(reply.status).toBe(403)
    },
  )

  test('refuses a cross-origin browser request even with the token', async () => {
    const token = emulator().controlToken
    const reply = await raw('/control/reset', {
      ...json,
      'x-weauth-control-token': token,
      origin: 'http://evil.example',
    })
    expect(reply.status).toBe(403)
    const site = await raw('/control/reset', {
      ...json,
      'x-weauth-control-token': token,
      'sec-fetch-site': 'cross-site',
    })
    expect(site.status).toBe(403)
  })
})

test('a request naming the emulator by another host name (DNS rebinding) is refused everywhere', async () => {
  const { port } = new URL(emulator().url)
  for (const path of ['/control/accounts.list', '/client/auth.login', '/admin', '/health']) {
    const reply = await raw(path, { ...json, host: `rebind.example:${port}` })
    expect(reply.status).toBe(403)
  }
  expect(
    (
      await raw('/control/accounts.list', {
        ...json,
        host: `localhost:${port}`,
        'x-weauth-control-token': emulator().controlToken,
      })
    ).status,
  ).toBe(200)
})

describe('/admin checks the TC3 signature (as @cloudbase/node-sdk signs it)', () => {
  interface SigningOptions {
    tamper?: (body: string) => string
    /** the method the signer is given (the SDK passes 'post'; Node sends POST either way) */
    method?: string
    path?: string
    /** where the signed request is sent, when not to the path it was signed for */
    sendTo?: string
    includeKeys?: string[]
    withSignedParams?: boolean
    timestamp?: number
  }
  async function signed(secretKey: string, params: Record<string, unknown>, options: SigningOptions = {}) {
    const env = emulator().adminEnv('probe')
    const { host } = new URL(emulator().url)
    const path = options.path ?? '/admin'
    const headers = { 'content-type': 'application/json', host, 'x-tcb-source': ',scf', 'X-SDK-Version': 'Probe/1' }
    const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000) - 1
    const { authorization } = new Signer({ secretId: env.TENCENTCLOUD_SECRETID, secretKey }, 'tcb').tc3sign(
      options.method ?? 'POST',
      `${emulator().url}${path}`,
      headers,
      params,
      timestamp,
      { withSignedParams: options.withSignedParams ?? true, includeKeys: options.includeKeys },
    )
    const body = JSON.stringify(params)
    return raw(
      options.sendTo ?? path,
      { ...headers, authorization, 'x-timestamp': String(timestamp) },
      options.tamper ? options.tamper(body) : body,
    )
  }
  const answered = (reply: { body: string }) => JSON.parse(reply.body) as Record<string, unknown>
  const params = { action: 'database.getDocument', collectionName: 'users', query: '{}' }

  test('the issued key passes', async () => {
    const reply = await signed(emulator().adminEnv().TENCENTCLOUD_SECRETKEY, params)
    expect(JSON.parse(reply.body)).toMatchObject({ data: { list: [] } })
  })

  test('another key, or a body changed after signing, is INVALID_REQUEST_SOURCE', async () => {
    const forged = await signed('f'.repeat(32), params)
    expect(JSON.parse(forged.body)).toMatchObject({ code: 'INVALID_REQUEST_SOURCE' })
    const tampered = await signed(emulator().adminEnv().TENCENTCLOUD_SECRETKEY, params, {
      tamper: (b) => b.replace('users', 'notes'),
    })
    expect(JSON.parse(tampered.body)).toMatchObject({ code: 'INVALID_REQUEST_SOURCE' })
  })

  test('what the signer signs is what is checked: method case, query string, value types, signed subsets', async () => {
    const key = emulator().adminEnv().TENCENTCLOUD_SECRETKEY
    const typed = { ...params, limit: 5, offset: 0, multi: true, extra: { nested: [1, 'x'] }, Note: 'a b*(c)!' }
    const path = '/admin?env=e1&seqId=x_1'
    for (const method of ['post', 'POST']) {
      expect(answered(await signed(key, typed, { method, path }))).toMatchObject({ data: { list: [] } })
    }
    // every parameter hashed when the signer names none; then each one counts
    expect(answered(await signed(key, typed, { withSignedParams: false }))).toMatchObject({ data: { list: [] } })
    const changedLimit = await signed(key, typed, {
      withSignedParams: false,
      tamper: (b) => b.replace('"limit":5', '"limit":6'),
    })
    expect(answered(changedLimit)).toMatchObject({ code: 'INVALID_REQUEST_SOURCE' })
    // with a signed subset, a parameter outside it may change (TCB signs only what SignedParams lists)
    const subset = { includeKeys: ['action', 'collectionname', 'query'] }
    const outside = await signed(key, typed, { ...subset, tamper: (b) => b.replace('"limit":5', '"limit":6') })
    expect(answered(outside)).toMatchObject({ data: { list: [] } })
    const inside = await signed(key, typed, {
      ...subset,
      tamper: (b) => b.replace('"query":"{}"', '"query":"{\\"a\\":1}"'),
    })
    expect(answered(inside)).toMatchObject({ code: 'INVALID_REQUEST_SOURCE' })
    // the query string is signed; any timestamp within the signature lifetime passes
    const moved = await signed(key, typed, { path, sendTo: '/admin?env=e2&seqId=x_1' })
    expect(answered(moved)).toMatchObject({ code: 'INVALID_REQUEST_SOURCE' })
    const older = Math.floor(Date.now() / 1000) - 590
    expect(answered(await signed(key, typed, { timestamp: older }))).toMatchObject({ data: { list: [] } })
  })

  test('a bare credential id without a valid signature is refused', async () => {
    const id = emulator().adminEnv().TENCENTCLOUD_SECRETID
    const reply = await raw(
      '/admin',
      { ...json, authorization: `TC3-HMAC-SHA256 Credential=${id}/2026-01-01/tcb/tc3_request` },
      JSON.stringify(params),
    )
    expect(JSON.parse(reply.body)).toMatchObject({ code: 'INVALID_REQUEST_SOURCE' })
  })
})

test('before start-up completes every request is answered 503, not crashed on', async () => {
  let port = 0
  const server = createServer(
    createRouter(() => undefined, [], { port: (): number => port, allowedHosts: [], controlToken: 'x'.repeat(24) }),
  )
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
  port = (server.address() as AddressInfo).port
  try {
    for (const path of ['/admin', '/client/auth.login', '/control/reset', '/sns/jscode2session']) {
      const res = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', body: '{}' })
      expect(res.status).toBe(503)
      expect(await res.json()).toMatchObject({ code: 'RESOURCE_NOT_INITIAL' })
    }
  } finally {
    server.close()
  }
})
