import { useEmulator } from '../helpers/emulator'

/** The emulator's own control API over HTTP (the playground and benchmarks use it): bad input is refused clearly. */
const emulator = useEmulator()

async function control(op: string, body: unknown) {
  const res = await fetch(`${emulator().url}/control/${op}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-weauth-control-token': emulator().controlToken },
    body: JSON.stringify(body),
  })
  return (await res.json()) as Record<string, unknown>
}

test.each([
  [{ service: 'databse', error: { code: 'DATABASE_REQUEST_FAILED' } }, /service must be one of/],
  [{ service: 'database', error: { code: 'DB_BROKEN' } }, /error.code must be a TCB code/],
  [{ service: 'openapi', wxErrcode: { errcode: '40029' } }, /wxErrcode must be/],
  [{ service: 'functions', latencyMs: -5 }, /latencyMs/],
  [{ service: 'auth', times: 0 }, /times must be a positive integer/],
  [{ service: 'database', action: '' }, /action must be a non-empty string/],
])('faults.add refuses %j with INVALID_PARAM and adds nothing', async (rule, message) => {
  expect(await control('faults.add', rule)).toMatchObject({
    ok: false,
    code: 'INVALID_PARAM',
    errCode: -501007,
    errMsg: expect.stringMatching(message),
  })
  expect(emulator().faults.list()).toHaveLength(0)
})

test('a valid rule is listed and reaches a request', async () => {
  const reply = await control('faults.add', {
    service: 'database',
    action: 'database.getDocument',
    error: { code: 'DATABASE_REQUEST_FAILED' },
    times: 1,
  })
  expect(reply).toMatchObject({ ok: true, faults: [{ service: 'database', times: 1 }] })
  await expect(emulator().admin('database.getDocument', { collectionName: 'users' })).rejects.toMatchObject({
    errCode: -502001,
  })
  expect(emulator().faults.list()).toHaveLength(0)
})

test('unknown operations and malformed bodies are refused, not crashed on', async () => {
  expect(await control('nope', {})).toMatchObject({ ok: false, code: 'INVALID_PARAM' })
  const res = await fetch(`${emulator().url}/control/accounts.create`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-weauth-control-token': emulator().controlToken },
    body: '{not json',
  })
  expect(res.status).toBeGreaterThanOrEqual(400)
  expect(await res.json()).toMatchObject({ code: 'INVALID_PARAM' })
  expect(await control('accounts.create', { openid: '../../etc' })).toMatchObject({ ok: false, code: 'INVALID_PARAM' })
})
