import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { AuthStore, createAuthApp, listen, type RunningAuthServer, type WeChatApi } from '../../server/src'
import { http, type HttpReply } from '../helpers/http'
import { ERRORS } from '../../packages/contract/errors'

/**
 * server/openapi.yaml is the contract other backends implement: this keeps it true to the reference server.
 * Every documented operation exists (and nothing else), the error-code enum is the server's, and live
 * replies validate against the documented schemas.
 */
const SERVER = join(__dirname, '..', '..', 'server')
const spec = parse(readFileSync(join(SERVER, 'openapi.yaml'), 'utf8'))

type Schema = Record<string, any>

function resolve(schema: Schema): Schema {
  if (!schema.$ref) return schema
  const path = (schema.$ref as string).replace(/^#\//, '').split('/')
  return resolve(path.reduce((node: any, key) => node[key], spec))
}

/** A validator for the JSON Schema subset the spec uses; returns the problems found. */
function validate(value: unknown, raw: Schema, at = '$'): string[] {
  const schema = resolve(raw)
  if (schema.oneOf) {
    const passing = (schema.oneOf as Schema[]).filter((s) => validate(value, s, at).length === 0)
    return passing.length === 1 ? [] : [`${at}: matches ${passing.length} of oneOf`]
  }
  const problems: string[] = []
  if ('const' in schema && value !== schema.const) problems.push(`${at}: expected ${JSON.stringify(schema.const)}`)
  if (schema.enum && !schema.enum.includes(value)) problems.push(`${at}: ${JSON.stringify(value)} not in enum`)
  if (schema.type) {
    const types: string[] = Array.isArray(schema.type) ? schema.type : [schema.type]
    const actual =
      value === null ? 'null' : Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value
    const ok = types.some((t) => t === actual || (t === 'number' && actual === 'integer'))
    if (!ok) return [`${at}: ${actual} is not ${types.join('|')}`]
  }
  if (typeof value === 'string') {
    if (schema.pattern && !new RegExp(schema.pattern).test(value))
      problems.push(`${at}: does not match ${schema.pattern}`)
    if (schema.minLength !== undefined && value.length < schema.minLength)
      problems.push(`${at}: shorter than ${schema.minLength}`)
    if (schema.format === 'date-time' && Number.isNaN(Date.parse(value))) problems.push(`${at}: not a date-time`)
  }
  if (typeof value === 'number' && schema.minimum !== undefined && value < schema.minimum)
    problems.push(`${at}: below ${schema.minimum}`)
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const key of schema.required ?? []) if (!(key in (value as object))) problems.push(`${at}.${key}: missing`)
    for (const [key, sub] of Object.entries(schema.properties ?? {})) {
      if (key in (value as object))
        problems.push(...validate((value as Record<string, unknown>)[key], sub as Schema, `${at}.${key}`))
    }
  }
  return problems
}

/** The schema documented for this operation and status. */
function documented(method: string, path: string, status: number): Schema {
  const operation = spec.paths[path]?.[method.toLowerCase()]
  if (!operation) throw new Error(`${method} ${path} is not documented`)
  const response = operation.responses[String(status)]
  if (!response) throw new Error(`${method} ${path} does not document status ${status}`)
  return resolve(response).content['application/json'].schema
}

const conforms = (method: string, path: string, reply: HttpReply) => {
  expect({
    [`${method} ${path} ${reply.status}`]: validate(reply.json, documented(method, path, reply.status)),
  }).toEqual({
    [`${method} ${path} ${reply.status}`]: [],
  })
}

const APPID = 'wx00000000000000aa'
let server: RunningAuthServer
let sessionKey = ''
const wechat: WeChatApi = {
  async code2Session(code) {
    if (code === 'used') return { ok: false, errcode: 40163, errmsg: 'code been used' }
    sessionKey = randomBytes(16).toString('base64')
    return { ok: true, openid: `o-${code}`, sessionKey }
  },
  async getPhoneNumber() {
    return { ok: true, phoneNumber: '13800001234', purePhoneNumber: '13800001234', countryCode: '86' }
  },
}

beforeAll(async () => {
  const app = createAuthApp({
    config: {
      appid: APPID,
      tokenSecret: Buffer.from('openapi-test-secret-0123456789abcdef'),
      tokenTtlSeconds: 7200,
      openDataMaxAgeSeconds: 600,
    },
    store: await AuthStore.open(),
    wechat,
  })
  server = await listen(app)
})
afterAll(() => server.close())

describe('server/openapi.yaml', () => {
  test('is OpenAPI 3.1 and documents exactly the routes the server has', async () => {
    expect(spec.openapi).toBe('3.1.0')
    const documentedOps = Object.entries(spec.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    )
    expect(documentedOps.sort()).toEqual(
      [
        'POST /auth/login',
        'POST /auth/phone',
        'POST /auth/profile',
        'GET /auth/me',
        'DELETE /auth/me',
        'POST /auth/logout',
        'GET /health',
      ].sort(),
    )
    for (const op of documentedOps) {
      const [method, path] = op.split(' ')
      const res = await http(`${server.url}${path}`, { method, ...(method === 'POST' ? { body: {} } : {}) })
      expect({ op, notFound: res.status === 404 || res.status === 405 }).toEqual({ op, notFound: false })
    }
    for (const [method, path] of [
      ['PUT', '/auth/me'],
      ['GET', '/auth/logout'],
      ['POST', '/auth/refresh'],
    ]) {
      expect([404, 405]).toContain((await http(`${server.url}${path}`, { method })).status)
    }
  })

  test('its error-code enum holds every code the server raises, each one from the contract table', () => {
    const source = readFileSync(join(SERVER, 'src', 'app.ts'), 'utf8')
    const documented: string[] = resolve({ $ref: '#/components/schemas/ErrorCode' }).enum
    for (const code of documented) expect(Object.keys(ERRORS)).toContain(code)
    const raised = new Set(
      [...source.matchAll(/HttpError\(\d+, '([A-Z_]+)'/g), ...source.matchAll(/UNAUTHORIZED\('([A-Z_]+)'/g)].map(
        (m) => m[1],
      ),
    )
    expect(raised.size).toBeGreaterThan(5)
    for (const code of raised) expect(documented).toContain(code)
  })

  test('live replies validate against the documented schemas', async () => {
    const call = (method: string, path: string, body?: unknown, token?: string) =>
      http(`${server.url}${path}`, { method, ...(body !== undefined ? { body } : {}), token })

    const login = await call('POST', '/auth/login', { code: 'alice', consentVersion: '2026-11' })
    conforms('POST', '/auth/login', login)
    const token = login.json.accessToken
    conforms('POST', '/auth/login', await call('POST', '/auth/login', { code: 'used' }))
    conforms('POST', '/auth/login', await call('POST', '/auth/login', { nope: true }))
    conforms('GET', '/auth/me', await call('GET', '/auth/me', undefined, token))
    conforms('GET', '/auth/me', await call('GET', '/auth/me'))
    conforms('POST', '/auth/phone', await call('POST', '/auth/phone', { code: 'phone' }, token))
    conforms('POST', '/auth/phone', await call('POST', '/auth/phone', { encryptedData: 'AAAA', iv: 'AAAA' }, token))
    conforms(
      'POST',
      '/auth/profile',
      await call('POST', '/auth/profile', { nickName: '小红', avatarUrl: 'https://example.com/a.png' }, token),
    )
    conforms('POST', '/auth/profile', await call('POST', '/auth/profile', { nickName: '' }, token))
    conforms('POST', '/auth/logout', await call('POST', '/auth/logout', {}, token))
    conforms('POST', '/auth/logout', await call('POST', '/auth/logout', {}, token))
    const again = await call('POST', '/auth/login', { code: 'bob' })
    conforms('DELETE', '/auth/me', await call('DELETE', '/auth/me', undefined, again.json.accessToken))
    conforms('GET', '/health', await call('GET', '/health'))
  })

  test('the validator itself catches a reply that breaks the contract', () => {
    const schema = documented('POST', '/auth/login', 200)
    expect(validate({ ok: true, user: {}, isNew: true }, schema).length).toBeGreaterThan(0)
    expect(
      validate({ ok: false, code: 'SOMETHING_ELSE', message: 'x' }, documented('POST', '/auth/login', 400)),
    ).toEqual(['$.code: "SOMETHING_ELSE" not in enum'])
  })
})
