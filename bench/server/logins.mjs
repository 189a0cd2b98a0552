// Logins per second of the own server (server/dist/main.js) with 1 and 2 instances on one PostgreSQL (or 1 on
// PGlite), the WeChat side emulated (emulator/dist), and what each login costs in CPU time across every process
// involved: the server instances, the PostgreSQL backends serving them, the WeChat side (this process) and the load
// generator. Codes are made before the clock starts (wx.login through the emulator's client API), and 1,000 logins
// warm up first (JIT, connection pools); 6,000 are measured by default, as shorter runs still carry compilation
// and first-use costs. The figure is the server's: jscode2session + the sign-in.
//   [WEAUTH_BENCH_DATABASE_URL=postgres://…] [WEAUTH_BENCH_CLIENT=wrk|node] [WEAUTH_BENCH_WECHAT=emulator,minimal]
//   [WEAUTH_BENCH_INSTANCES=1,2] [WEAUTH_BENCH_SERVER=another/build/main.js] [WEAUTH_BENCH_WARMUP=1000]
//   node bench/server/logins.mjs [logins=6000] [concurrency=64] [runs=1]
// WEAUTH_BENCH_WARMUP sets the warm-up logins (spread over the instances): V8 is still optimising the server's hot
// functions well after the first thousand logins, on its compiler threads, and that CPU counts in the figures;
// a long warm-up (e.g. 15000) measures a server that has been running a while.
// The load generator is wrk (https://github.com/wg/wrk, Debian's `wrk` package) when it is on the PATH, with
// logins.lua feeding one code per request; otherwise node-client.mjs. The row says which.
// bench/rows/server-logins.mjs puts the same figures in `npm run bench`.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { loadavg, tmpdir } from 'node:os'
import { delimiter, dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { createRequire } from 'node:module'
import { cpuSnapshot, cpuSpent, ownCpuMs } from './cpu.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..', '..')
const require = createRequire(import.meta.url)
const { startEmulator } = require(join(root, 'emulator', 'dist', 'server.js'))
const { emulatorAppSecret } = require(join(root, 'emulator', 'dist', 'http', 'wechat-api.js'))
const { Client } = require('pg')

/** a PostgreSQL role that may CREATE DATABASE, or '' (then 1 instance on PGlite only) */
export const BENCH_DATABASE_URL = process.env.WEAUTH_BENCH_DATABASE_URL || process.env.WEAUTH_TEST_DATABASE_URL || ''

/** wrk's path when it is installed (and not refused by WEAUTH_BENCH_CLIENT=node), else null */
export function wrkPath() {
  if (process.env.WEAUTH_BENCH_CLIENT === 'node') return null
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'wrk')
    if (dir && existsSync(candidate)) return candidate
  }
  if (process.env.WEAUTH_BENCH_CLIENT === 'wrk') throw new Error('WEAUTH_BENCH_CLIENT=wrk but wrk is not on the PATH')
  return null
}

async function freshDatabase(url) {
  const admin = new Client({ connectionString: url })
  await admin.connect()
  const name = `weauth_bench_${Date.now()}_${process.pid}`
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  const u = new URL(url)
  u.pathname = `/${name}`
  return { url: u.toString(), name }
}

async function dropDatabase(url, name) {
  const admin = new Client({ connectionString: url })
  await admin.connect()
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
  await admin.end()
}

/** the server build measured: server/dist/main.js, or another (WEAUTH_BENCH_SERVER, e.g. an earlier commit's build) */
const SERVER_MAIN = process.env.WEAUTH_BENCH_SERVER || join(root, 'server', 'dist', 'main.js')

function startServer(env, extraArgs = []) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...extraArgs, SERVER_MAIN], {
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    // what it printed, for an error at start (the tail only: a server logging at info prints a line per login)
    let out = ''
    const keep = (d) => (out = (out + d).slice(-8192))
    child.stdout.on('data', (d) => {
      keep(d)
      const m = /listening on http:\/\/([^\s"]+)/.exec(out)
      if (m) resolve({ child, target: m[1] })
    })
    child.stderr.on('data', keep)
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)))
  })
}

function stopServer(server) {
  return new Promise((resolve) => {
    server.child.removeAllListeners('exit')
    if (server.child.exitCode !== null || server.child.signalCode !== null) return resolve()
    server.child.once('exit', resolve)
    server.child.kill('SIGTERM')
  })
}

/**
 * A minimal WeChat for the server-only figure: answers jscode2session for the codes it made, as WeChat does
 * (JSON as text/plain, 40163 for a spent code). The full emulator's jscode2session is itself a cost otherwise.
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
 * Runs the load generator over `codes` (one login each, the first `count` of them answered; the rest cover
 * requests in flight when it stops): wrk with logins.lua, or node-client.mjs. Resolves its RESULT line.
 */
function runClient({ wrk, codesFile, count, targets, concurrency }) {
  const env = { ...process.env, LOGIN_CODES: codesFile, LOGIN_COUNT: String(count), LOGIN_TARGETS: targets.join(',') }
  const [command, args] = wrk
    ? [
        wrk,
        [
          `-t${targets.length}`,
          `-c${Math.max(concurrency, targets.length)}`,
          '-d600s',
          '--timeout',
          '30s',
          '-s',
          join(here, 'logins.lua'),
          `http://${targets[0]}`,
        ],
      ]
    : [process.execPath, [join(here, 'node-client.mjs'), String(concurrency)]]
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (d) => {
      out += d
      // wrk runs for its whole -d limit unless interrupted: every thread done -> SIGINT (it then prints its summary)
      if (wrk && out.split('STOPPED').length - 1 === targets.length) child.kill('SIGINT')
    })
    child.stderr.on('data', (d) => (out += d))
    child.on('error', reject)
    child.on('exit', (code) => {
      const line = /RESULT (\{.*\})/.exec(out)
      if (!line) return reject(new Error(`the load generator exited ${code} without a result: ${out}`))
      resolve(JSON.parse(line[1]))
    })
  })
}

/** POSTs `codes` (warm-up: JIT and connection pools) from this process, a few at a time. */
async function warmUp(targets, codes, concurrency) {
  let next = 0
  const post = (target, code) =>
    new Promise((resolve) => {
      const payload = Buffer.from(JSON.stringify({ code }))
      const req = request(
        `http://${target}/auth/login`,
        { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': payload.length } },
        (res) => res.resume().on('end', resolve),
      )
      req.on('error', resolve)
      req.end(payload)
    })
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < codes.length) {
        const i = next++
        await post(targets[i % targets.length], codes[i])
      }
    }),
  )
}

/**
 * One measurement: `instances` server processes on one fresh database (PostgreSQL at `databaseUrl`, else one
 * PGlite instance), `total` logins `concurrency` at a time, spread round robin. `wechat`: 'emulator' (the full
 * emulator's jscode2session) or 'minimal' (a bare jscode2session, to see the server alone). `serverEnv` adds
 * settings of the servers (e.g. their log level).
 */
export async function serverLogins({
  instances = 1,
  wechat = 'emulator',
  total = 6000,
  concurrency = 64,
  warmup = 1000,
  databaseUrl = BENCH_DATABASE_URL,
  nodeArgs = [],
  serverEnv = {},
} = {}) {
  if (instances > 1 && !databaseUrl) throw new Error('more than one instance needs a PostgreSQL database')
  const wrk = wrkPath()
  const emulator = await startEmulator({ port: 0 })
  const appid = emulator.ctx.appid
  const minimal = wechat === 'minimal' ? await minimalWeChat(appid, emulatorAppSecret(appid)) : null
  const database = databaseUrl ? await freshDatabase(databaseUrl) : null
  const env = {
    WEAUTH_APPID: appid,
    WEAUTH_APP_SECRET: emulatorAppSecret(appid),
    WEAUTH_TOKEN_SECRET: 'bench-token-secret-0123456789abcdefgh',
    WEAUTH_WECHAT_API: minimal ? minimal.url : emulator.url,
    ...(database ? { WEAUTH_DATABASE_URL: database.url } : {}),
    WEAUTH_LOGIN_PER_IP: '1000000',
    WEAUTH_LOGIN_PER_USER: '1000000',
    WEAUTH_LOG_LEVEL: 'warn',
    PORT: '0',
    ...serverEnv,
  }
  const servers = []
  const scratch = mkdtempSync(join(tmpdir(), 'weauth-bench-'))
  const admin = database ? new Client({ connectionString: database.url }) : null
  try {
    for (let i = 0; i < instances; i++) servers.push(await startServer(env, nodeArgs))
    const targets = servers.map((s) => s.target)
    // every code the run may spend: the warm-up, the measured logins, and requests in flight when the client stops
    const codes = []
    for (let i = 0; i < warmup + total + concurrency; i++) {
      if (minimal) {
        codes.push(minimal.code())
        continue
      }
      const account = await emulator.accounts.create()
      codes.push((await emulator.client('auth.login', account.token, {})).code)
    }
    await warmUp(targets, codes.slice(0, warmup), concurrency)
    const codesFile = join(scratch, 'codes.txt')
    writeFileSync(codesFile, codes.slice(warmup).join('\n') + '\n')

    await admin?.connect()
    // the PostgreSQL backends serving the instances (connections opened during the run count from zero)
    const backends = async () =>
      admin
        ? (
            await admin.query(
              'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
            )
          ).rows.map((r) => r.pid)
        : []
    const sessions = async () =>
      admin ? Number((await admin.query('SELECT count(*) AS n FROM sessions')).rows[0].n) : null
    const sessionsBefore = await sessions()
    const load = loadavg()[0]
    const serverPids = servers.map((s) => s.child.pid)
    const serversBefore = cpuSnapshot(serverPids)
    const postgresBefore = cpuSnapshot(await backends())
    const wechatBefore = ownCpuMs()

    const result = await runClient({ wrk, codesFile, count: total, targets, concurrency })

    // requests in flight when the client stopped still finish on the servers: let them, then count what was done
    await new Promise((r) => setTimeout(r, 300))
    const wechatMs = ownCpuMs() - wechatBefore
    const serverMs = cpuSpent(serversBefore, cpuSnapshot(serverPids))
    const postgresMs = database ? cpuSpent(postgresBefore, cpuSnapshot(await backends())) : 0
    const sessionsAfter = await sessions()
    // logins the servers completed in the measured phase (PostgreSQL: sessions opened), else the client's 200s
    const done = sessionsAfter === null ? result.ok : sessionsAfter - sessionsBefore
    const seconds = result.durationUs / 1e6
    const per = (ms) => (ms === null || done === 0 ? null : ms / done)
    const cpu = {
      server: per(serverMs),
      postgres: per(postgresMs),
      wechat: per(wechatMs),
      client: per(result.cpuMs),
    }
    cpu.total = Object.values(cpu).includes(null) ? null : cpu.server + cpu.postgres + cpu.wechat + cpu.client
    return {
      instances,
      wechat,
      database: database ? 'postgres' : 'pglite',
      client: wrk ? 'wrk' : 'node',
      logins: total,
      warmup,
      ok: result.ok,
      seconds,
      perSecond: result.ok / seconds,
      p50Ms: result.p50Us / 1000,
      p99Ms: result.p99Us / 1000,
      concurrency,
      loadAverage: Math.max(load, loadavg()[0]),
      cpuMsPerLogin: cpu,
      serverCpuMsPerLogin: cpu.server,
    }
  } finally {
    await admin?.end().catch(() => undefined)
    await Promise.all(servers.map(stopServer))
    await minimal?.stop()
    await emulator.stop()
    if (database) await dropDatabase(databaseUrl, database.name).catch(() => undefined)
    rmSync(scratch, { recursive: true, force: true })
  }
}

const ms = (v) => (v === null || v === undefined ? '?' : v.toFixed(2))

/** CPU per login, every process: "0.91 ms (server 0.40, PostgreSQL 0.25, WeChat 0.20, client 0.06)" */
export function describeCpu(r) {
  const c = r.cpuMsPerLogin
  return `${ms(c.total)} ms (server ${ms(c.server)}, PostgreSQL ${ms(c.postgres)}, WeChat side ${ms(c.wechat)}, ${r.client} ${ms(c.client)})`
}

export function describeRun(r) {
  const wechat = r.wechat === 'emulator' ? 'the full emulator' : 'a minimal jscode2session'
  const db = r.database === 'postgres' ? 'one PostgreSQL' : 'PGlite'
  return (
    `${r.instances} instance(s) on ${db}, WeChat = ${wechat}, client ${r.client}: ${r.perSecond.toFixed(0)} logins/s ` +
    `(${r.ok}/${r.logins} ok in ${r.seconds.toFixed(2)} s after ${r.warmup} warm-up logins, concurrency ${r.concurrency}, ` +
    `p50 ${r.p50Ms.toFixed(1)} ms, ` +
    `p99 ${r.p99Ms.toFixed(1)} ms, load average ${r.loadAverage.toFixed(2)}); CPU per login ${describeCpu(r)}`
  )
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const total = Number(process.argv[2] ?? 6000)
  const concurrency = Number(process.argv[3] ?? 64)
  const runs = Number(process.argv[4] ?? 1)
  const WARMUP = Number(process.env.WEAUTH_BENCH_WARMUP || 1000)
  const wechats = (process.env.WEAUTH_BENCH_WECHAT || 'emulator,minimal').split(',')
  const instanceCounts = (process.env.WEAUTH_BENCH_INSTANCES || (BENCH_DATABASE_URL ? '1,2' : '1'))
    .split(',')
    .map(Number)
  for (let run = 0; run < runs; run++) {
    for (const wechat of wechats) {
      for (const instances of instanceCounts) {
        const run = await serverLogins({ instances, wechat, total, concurrency, warmup: WARMUP })
        console.log(`server logins/s, ${describeRun(run)}`)
      }
    }
  }
}
