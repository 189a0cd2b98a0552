// `npm run bench` rows for the own server (bench/server/logins.mjs): logins/s with 1 and 2 instances on one
// PostgreSQL (WEAUTH_BENCH_DATABASE_URL or WEAUTH_TEST_DATABASE_URL), the WeChat side the full emulator; without
// a URL, 1 instance on PGlite and the 2-instance row says what it needs. Each configuration runs three times and
// the median run (by logins/s) is shown, with its load average, the load generator (wrk when installed), and the
// CPU time of a login across every process involved: the figure that does not depend on what else runs. Two
// cores give 2 × 1000 / (CPU ms per login) logins/s when the machine runs nothing else.
import { BENCH_DATABASE_URL, describeCpu, describeRun, serverLogins } from '../server/logins.mjs'

const GOAL = 2000
const CORES = 2

export async function measure(options = {}) {
  const total = Number(options.serverLogins ?? 6000)
  const concurrency = Number(options.serverConcurrency ?? 64)
  const repeats = Number(options.serverRuns ?? 3)
  const rows = []
  const runs = []
  for (const instances of [1, 2]) {
    const name = `${instances} instance${instances > 1 ? 's' : ''}`
    if (instances > 1 && !BENCH_DATABASE_URL) {
      rows.push([
        'server',
        `own server logins/s, ${name}`,
        'not measured',
        'needs PostgreSQL: set WEAUTH_BENCH_DATABASE_URL (PGlite is one process)',
      ])
      continue
    }
    const measured = []
    for (let i = 0; i < repeats; i++) {
      const run = await serverLogins({ instances, wechat: 'emulator', total, concurrency })
      process.stderr.write(`  ${describeRun(run)}\n`)
      measured.push(run)
    }
    runs.push(...measured)
    const run = [...measured].sort((a, b) => a.perSecond - b.perSecond)[measured.length >> 1]
    const where = `${run.database === 'postgres' ? 'one PostgreSQL' : 'PGlite'}, WeChat = the emulator, load generator ${run.client}`
    rows.push([
      'server',
      `own server logins/s, ${name}`,
      run.perSecond.toFixed(0),
      `median of ${measured.length}: ${where}, ${run.ok}/${run.logins} ok, concurrency ${concurrency}, ` +
        `load average ${run.loadAverage.toFixed(2)}; goal ≥ ${GOAL}/s`,
    ])
    const cpu = run.cpuMsPerLogin.total
    rows.push([
      'server',
      `own server CPU per login, every process, ${name}`,
      cpu === null ? 'not measured' : `${cpu.toFixed(2)} ms`,
      `${describeCpu(run)}; ${CORES} cores at this cost: ` +
        `${cpu === null ? '?' : ((CORES * 1000) / cpu).toFixed(0)} logins/s; goal ≤ ${((CORES * 1000) / GOAL).toFixed(2)} ms`,
    ])
  }
  return { rows, runs }
}
