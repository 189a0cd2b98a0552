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
  async function signed(secretKey: string, params: Record<string, unknown>, tamper?: (body: string) => string) {
    const env = emulator().adminEnv('probe')
    const { host } = new URL(emulator().url)
    const url = `${emulator().url}/admin`
    const headers = { 'content-type': 'application/json', host, 'x-tcb-source': ',scf' }
    const timestamp = Math.floor(Date.now() / 1000) - 1
    const { authorization } = new Signer({ secretId: env.TENCENTCLOUD_SECRETID, secretKey }, 'tcb').tc3sign(
      'POST',
      url,
      headers,
      params,
      timestamp,
      { withSignedParams: true },
    )
    const body = JSON.stringify(params)
    return raw('/admin', { ...headers, authorization, 'x-timestamp': String(timestamp) }, tamper ? tamper(body) : body)
  }
  const params = { action: 'database.getDocument', collectionName: 'users', query: '{}' }

  test('the issued key passes', async () => {
    const reply = await signed(emulator().adminEnv().TENCENTCLOUD_SECRETKEY, params)
    expect(JSON.parse(reply.body)).toMatchObject({ data: { list: [] } })
  })

  test('another key, or a body changed after signing, is INVALID_REQUEST_SOURCE', async () => {
    const forged = await signed('f'.repeat(32), params)
    expect(JSON.parse(forged.body)).toMatchObject({ code: 'INVALID_REQUEST_SOURCE' })
    const tampered = await signed(emulator().adminEnv().TENCENTCLOUD_SECRETKEY, params, (b) =>
      b.replace('users', 'notes'),
    )
    expect(JSON.parse(tampered.body)).toMatchObject({ code: 'INVALID_REQUEST_SOURCE' })
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
