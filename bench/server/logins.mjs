// Logins per second of the own server (server/dist/main.js) with 1 and 2 instances on one PostgreSQL (or 1 on
// PGlite), the WeChat side emulated (emulator/dist). Codes are made before the clock starts (wx.login through the
// emulator's client API), so the figure is the server's: jscode2session round trip + the sign-in statements.
//   [WEAUTH_BENCH_DATABASE_URL=postgres://…] node bench/server/logins.mjs [logins=2000] [concurrency=64]
// bench/rows/server-logins.mjs puts the same figures in `npm run bench`.
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { request } from 'node:http'
import { loadavg } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { createRequire } from 'node:module'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const require = createRequire(import.meta.url)
const { startEmulator } = require(join(root, 'emulator', 'dist', 'server.js'))
const { emulatorAppSecret } = require(join(root, 'emulator', 'dist', 'http', 'wechat-api.js'))
const { Client } = require('pg')

/**
 * CPU milliseconds a process has used (user + system, /proc/<pid>/stat at 100 ticks/s): the load-independent
 * cost of a login when other work shares the machine; null where /proc is missing.
 */
function cpuMs(pid) {
  const stat = `/proc/${pid}/stat`
  if (!existsSync(stat)) return null
  const fields = readFileSync(stat, 'utf8').split(') ')[1].split(' ')
  return (Number(fields[11]) + Number(fields[12])) * 10
}

/** a PostgreSQL role that may CREATE DATABASE, or '' (then 1 instance on PGlite only) */
export const BENCH_DATABASE_URL = process.env.WEAUTH_BENCH_DATABASE_URL || process.env.WEAUTH_TEST_DATABASE_URL || ''

function post(base, path, body) {
  const payload = Buffer.from(JSON.stringify(body))
  return new Promise((resolve, reject) => {
    const req = request(
      `${base}${path}`,
      { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': payload.length }, agent },
      (res) => {
        const chunks = []
        res.on('data', (c) => chunks.push(c))
        res.on('end', () =>
          resolve({ status: res.statusCode, json: JSON.parse(Buffer.concat(chunks).toString() || 'null') }),
        )
      },
    )
    req.on('error', reject)
    req.end(payload)
  })
}
const agent = new (require('node:http').Agent)({ keepAlive: true, maxSockets: 256 })
/** closes the keep-alive sockets of the measuring client (a caller that imports this module ends with it) */
export const closeBenchClient = () => agent.destroy()

async function freshDatabase(url) {
  const admin = new Client({ connectionString: url })
  await admin.connect()
  const name = `weauth_bench_${Date.now()}`
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  const u = new URL(url)
  u.pathname = `/${name}`
  return u.toString()
}

function startServer(env, extraArgs = []) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...extraArgs, join(root, 'server', 'dist', 'main.js')], {
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    child.stdout.on('data', (d) => {
      out += d
      const m = /listening on (http:\/\/[^\s"]+)/.exec(out)
      if (m) resolve({ child, url: m[1] })
    })
    child.stderr.on('data', (d) => (out += d))
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)))
  })
}

/**
 * A minimal WeChat for the server-only figure: answers jscode2session for the codes it made, as WeChat does
 * (JSON as text/plain, 40163 for a spent code). The full emulator's jscode2session is itself the ceiling
 * otherwise (it is measured separately in the first row).
 */
async function minimalWeChat(appid, secret) {
  const { createServer } = require('node:http')
  const { randomBytes } = require('node:crypto')
  const codes = new Map()
  const server = createServer((req, res) => {
    const q = new URL(req.url, 'http://x').searchParams
    const entry = codes.get(q.get('js_code'))
    let body
    if (q.get('appid') !== appid || q.get('secret') !== secret) body = { errcode: 40125, errmsg: 'invalid appsecret' }
    else if (!entry) body = { errcode: 40029, errmsg: 'invalid code' }
    else if (entry.used) body = { errcode: 40163, errmsg: 'code been used' }
    else {
      entry.used = true
      body = { openid: entry.openid, session_key: entry.sessionKey }
    }
    res.writeHead(200, { 'content-type': 'text/plain' })
    res.end(JSON.stringify(body))
  })
  await new Promise((r) => server.listen(0, '127.0.0.1', r))
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    code() {
      const code = randomBytes(16).toString('hex')
      codes.set(code, {
        openid: `o${randomBytes(12).toString('hex')}`,
        sessionKey: randomBytes(16).toString('base64'),
        used: false,
      })
      return code
    },
    stop: () => new Promise((r) => server.close(r)),
  }
}

/**
 * One measurement: `instances` server processes on one fresh database (PostgreSQL at `databaseUrl`, else one
 * PGlite instance), `total` logins `concurrency` at a time, spread round robin. `wechat`: 'emulator' (the full
 * emulator's jscode2session) or 'minimal' (a bare jscode2session, to see the server alone).
 */
export async function serverLogins({
  instances = 1,
  wechat = 'emulator',
  total = 2000,
  concurrency = 64,
  databaseUrl = BENCH_DATABASE_URL,
  nodeArgs = [],
} = {}) {
  if (instances > 1 && !databaseUrl) throw new Error('more than one instance needs a PostgreSQL database')
  const emulator = await startEmulator({ port: 0 })
  const appid = emulator.ctx.appid
  const minimal = wechat === 'minimal' ? await minimalWeChat(appid, emulatorAppSecret(appid)) : null
  const env = {
    WEAUTH_APPID: appid,
    WEAUTH_APP_SECRET: emulatorAppSecret(appid),
    WEAUTH_TOKEN_SECRET: 'bench-token-secret-0123456789abcdefgh',
    WEAUTH_WECHAT_API: minimal ? minimal.url : emulator.url,
    ...(databaseUrl ? { WEAUTH_DATABASE_URL: await freshDatabase(databaseUrl) } : {}),
    WEAUTH_LOGIN_PER_IP: '1000000',
    WEAUTH_LOGIN_PER_USER: '1000000',
    WEAUTH_LOG_LEVEL: 'warn',
    PORT: '0',
  }
  const servers = []
  for (let i = 0; i < instances; i++) servers.push(await startServer(env, nodeArgs))
  const codes = []
  for (let i = 0; i < total; i++) {
    if (minimal) {
      codes.push(minimal.code())
      continue
    }
    const account = await emulator.accounts.create()
    const reply = await emulator.client('auth.login', account.token, {})
    codes.push(reply.code)
  }
  let next = 0
  let ok = 0
  const load = loadavg()[0]
  const cpuBefore = servers.map((s) => cpuMs(s.child.pid))
  const started = performance.now()
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < codes.length) {
        const i = next++
        const res = await post(servers[i % servers.length].url, '/auth/login', { code: codes[i] })
        if (res.status === 200) ok++
      }
    }),
  )
  const seconds = (performance.now() - started) / 1000
  const cpuSpent = servers.map((s, i) => (cpuBefore[i] === null ? null : cpuMs(s.child.pid) - cpuBefore[i]))
  const serverCpuMsPerLogin = cpuSpent.includes(null) ? null : cpuSpent.reduce((a, b) => a + b, 0) / ok
  await Promise.all(
    servers.map(
      (s) =>
        new Promise((resolve) => {
          s.child.removeAllListeners('exit')
          s.child.once('exit', resolve)
          s.child.kill('SIGTERM')
        }),
    ),
  )
  await minimal?.stop()
  await emulator.stop()
  return {
    instances,
    wechat,
    database: databaseUrl ? 'postgres' : 'pglite',
    logins: total,
    ok,
    seconds,
    perSecond: ok / seconds,
    concurrency,
    loadAverage: Math.max(load, loadavg()[0]),
    serverCpuMsPerLogin,
  }
}

export function describeRun(r) {
  const wechat = r.wechat === 'emulator' ? 'the full emulator' : 'a minimal jscode2session'
  const db = r.database === 'postgres' ? 'one PostgreSQL' : 'PGlite'
  return `${r.instances} instance(s) on ${db}, WeChat = ${wechat}: ${r.perSecond.toFixed(0)} logins/s (${r.ok}/${r.logins} ok in ${r.seconds.toFixed(2)} s, concurrency ${r.concurrency}, load average ${r.loadAverage.toFixed(2)}; server CPU ${r.serverCpuMsPerLogin?.toFixed(2) ?? '?'} ms per login)`
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const total = Number(process.argv[2] ?? 2000)
  const concurrency = Number(process.argv[3] ?? 64)
  const wechats = (process.env.WEAUTH_BENCH_WECHAT || 'emulator,minimal').split(',')
  for (const wechat of wechats) {
    for (const instances of BENCH_DATABASE_URL ? [1, 2] : [1]) {
      console.log(`server logins/s, ${describeRun(await serverLogins({ instances, wechat, total, concurrency }))}`)
    }
  }
  agent.destroy()
}
