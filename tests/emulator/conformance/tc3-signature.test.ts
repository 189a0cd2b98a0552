import type { IncomingMessage } from 'node:http'
import { Signer } from '@cloudbase/signature-nodejs'
import { FunctionCredentials } from '../../../emulator/src/functions/credentials'
import { verifiedFunction } from '../../../emulator/src/http/tc3-signature'

/**
 * The /admin check recomputes what @cloudbase/signature-nodejs signs (http/tc3-signature.ts formats names and values
 * itself, for speed): here the library signs requests of every shape the SDK can send, and the check must accept
 * each as signed and refuse it once a signed part changes.
 */
const credentials = new FunctionCredentials()
const issued = credentials.issue('probe')
const HOST = '127.0.0.1:4567'

interface Shape {
  method?: string
  path?: string
  headers?: Record<string, string>
  params: Record<string, unknown>
  options?: { withSignedParams?: boolean; includeKeys?: string[] }
}

function request(shape: Shape, tamper?: (params: Record<string, unknown>) => Record<string, unknown>) {
  const method = shape.method ?? 'post'
  const path = shape.path ?? '/admin?env=e1&seqId=1'
  const headers = { 'content-type': 'application/json', host: HOST, ...shape.headers }
  const timestamp = Math.floor(Date.now() / 1000) - 1
  const { authorization, signedParams } = new Signer(issued, 'tcb').tc3sign(
    method,
    `http://${HOST}${path}`,
    headers,
    shape.params,
    timestamp,
    { withSignedParams: true, ...shape.options },
  )
  const sent: Record<string, string> = { 'x-timestamp': String(timestamp), authorization }
  for (const [name, value] of Object.entries(headers)) sent[name.toLowerCase()] = value
  const req = { method: method.toUpperCase(), url: path, headers: sent } as unknown as IncomingMessage
  const check = () => verifiedFunction(credentials, req, tamper ? tamper(shape.params) : shape.params)
  return Object.assign(check, { signedParams: signedParams as string[] })
}

const refused = { code: 'INVALID_REQUEST_SOURCE' }

const shapes: Record<string, Shape> = {
  'JSON body, names the library must encode, values of every JSON type': {
    headers: { 'X-SDK-Version': 'Probe/1.0 ', 'x-tcb-source': ',SCF' },
    params: {
      action: 'database.getDocument',
      'Mixed Case': 'a',
      ' spaced ': ' b ',
      'ünï(c)*de!': "it's",
      query: '{"名字":"小明","emoji":"😀"}',
      limit: 5,
      multi: true,
      nothing: null,
      nested: { a: [1, 'x', { b: null }] },
      empty: '',
    },
  },
  'every parameter signed (no SignedParams), in the library’s order': {
    options: { withSignedParams: false },
    params: { b: '1', B_: '2', a_b: '3', 'a-b': '4', Z: '5', _x: '6', action: 'x' },
  },
  'a signed subset, naming one parameter that is absent': {
    options: { includeKeys: ['action', 'query', 'missing'] },
    params: { action: 'database.getDocument', query: '{}', limit: 7 },
  },
  'multipart: Buffers hashed as bytes, a content-type parameter': {
    headers: { 'content-type': 'multipart/form-data; boundary=----x' },
    params: {
      action: 'wx.openApi',
      apiName: 'riskControl.getUserRiskRank',
      requestData: Buffer.from([0, 1, 2, 250, 255]),
      'content-type': 'multipart/form-data; boundary=y',
      label: 'α',
    },
  },
  'a GET signs no parameters': { method: 'GET', params: { action: 'x' } },
}

describe('the /admin signature check agrees with @cloudbase/signature-nodejs', () => {
  test.each(Object.keys(shapes))('%s', (name) => {
    const shape = shapes[name]
    expect(request(shape)()).toBe('probe')
    if (shape.method === 'GET') return
    // what the signer hashed (it skips empty values), named in SignedParams
    const { signedParams } = request(shape)
    for (const key of Object.keys(shape.params)) {
      const value = shape.params[key]
      const changed = Buffer.isBuffer(value) ? Buffer.concat([value, Buffer.from([1])]) : `${JSON.stringify(value)}!`
      const check = request(shape, (p) => ({ ...p, [key]: changed }))
      const verdict = () => {
        try {
          return check()
        } catch (e) {
          return (e as { code?: string }).code
        }
      }
      const signed = signedParams.includes(Signer.camSafeUrlEncode(key.toLowerCase().trim()))
      expect([key, verdict()]).toEqual([key, signed ? refused.code : 'probe'])
    }
    expect(signedParams.length).toBeGreaterThan(0)
  })

  test('a changed header, path or query string is refused', () => {
    const shape = shapes['JSON body, names the library must encode, values of every JSON type']
    const check = (edit: (req: { url: string; headers: Record<string, string> }) => void) => {
      const timestamp = Math.floor(Date.now() / 1000) - 1
      const headers = { 'content-type': 'application/json', host: HOST, 'x-tcb-source': ',scf' }
      const { authorization } = new Signer(issued, 'tcb').tc3sign(
        'post',
        `http://${HOST}/admin?env=e1`,
        headers,
        shape.params,
        timestamp,
        { withSignedParams: true },
      )
      const req = {
        method: 'POST',
        url: '/admin?env=e1',
        headers: { ...headers, authorization, 'x-timestamp': String(timestamp) },
      }
      edit(req)
      return () => verifiedFunction(credentials, req as unknown as IncomingMessage, shape.params)
    }
    expect(check(() => undefined)()).toBe('probe')
    expect(check((r) => (r.headers['x-tcb-source'] = 'wx_client,scf'))).toThrow(expect.objectContaining(refused))
    expect(check((r) => (r.url = '/admin?env=e2'))).toThrow(expect.objectContaining(refused))
    expect(check((r) => (r.url = '/admin2?env=e1'))).toThrow(expect.objectContaining(refused))
    expect(check((r) => (r.headers.host = '127.0.0.1:4568'))).toThrow(expect.objectContaining(refused))
  })
})
