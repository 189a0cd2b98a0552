// `npm run bench` rows for the own server (bench/server/logins.mjs): logins/s with 1 and 2 instances on one
// PostgreSQL (WEAUTH_BENCH_DATABASE_URL or WEAUTH_TEST_DATABASE_URL), the WeChat side the full emulator; without
// a URL, 1 instance on PGlite and the 2-instance row says what it needs. Each row carries the load average it was
// measured under and the server's CPU per login (the figure that does not depend on what else runs).
import { BENCH_DATABASE_URL, closeBenchClient, describeRun, serverLogins } from '../server/logins.mjs'

const GOAL = 2000

export async function measure(options = {}) {
  const total = Number(options.serverLogins ?? 2000)
  const concurrency = Number(options.serverConcurrency ?? 64)
  const rows = []
  const runs = []
  for (const instances of [1, 2]) {
    const measure = `own server logins/s, ${instances} instance${instances > 1 ? 's' : ''}`
    if (instances > 1 && !BENCH_DATABASE_URL) {
      rows.push([
        'server',
        measure,
        'not measured',
        'needs PostgreSQL: set WEAUTH_BENCH_DATABASE_URL (PGlite is one process)',
      ])
      continue
    }
    const run = await serverLogins({ instances, wechat: 'emulator', total, concurrency })
    runs.push(run)
    process.stderr.write(`  ${describeRun(run)}\n`)
    rows.push([
      'server',
      measure,
      run.perSecond.toFixed(0),
      `${run.database === 'postgres' ? 'one PostgreSQL' : 'PGlite'}, WeChat = the emulator, ${run.ok}/${run.logins} ok, ` +
        `concurrency ${concurrency}, load average ${run.loadAverage.toFixed(2)}, server CPU ` +
        `${run.serverCpuMsPerLogin?.toFixed(2) ?? '?'} ms/login; goal ≥ ${GOAL}/s`,
    ])
  }
  closeBenchClient()
  return { rows, runs }
}
