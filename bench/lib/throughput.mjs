// Emulator throughput: `users` distinct simulated WeChat users each sign in once through the emulator's client
// path (wx.cloud.callFunction('login'), so account lookup, the function runner's worker pool, the admin API
// and the database all take part), `concurrency` at a time. The accounts are created before the clock starts.
// Besides the rate, the CPU time the process spent per login while the clock ran (user + system, the main thread
// and the function instances' worker threads alike): on a shared machine the rate follows the load, this much less.
import { loadavg } from 'node:os'
import { startEmulator, callFunction } from './emulator.mjs'
import { median, percentile, round } from './stats.mjs'

export async function loginThroughput({ users, concurrency }) {
  const emulator = await startEmulator()
  try {
    const accounts = []
    for (let i = 0; i < users; i++) accounts.push(await emulator.accounts.create())
    // start the function's instances with other users first: the figure is steady state (cold starts are
    // measured on their own), and the measured users are all first logins
    const warmUp = []
    for (let i = 0; i < concurrency; i++) warmUp.push(await emulator.accounts.create())
    await Promise.all(warmUp.map((a) => callFunction(emulator, a, 'login', {})))
    return await run(emulator, accounts, concurrency)
  } finally {
    await emulator.stop()
  }
}

async function run(emulator, accounts, concurrency) {
  const latencies = []
  let failed = 0
  let next = 0
  const started = performance.now()
  const cpuBefore = process.cpuUsage()
  const worker = async () => {
    while (next < accounts.length) {
      const account = accounts[next++]
      const t = performance.now()
      const reply = await emulator.client('functions.callFunction', account.token, {
        name: 'login',
        data: { consentVersion: '2026-11' },
      })
      latencies.push(performance.now() - t)
      if (!reply.ok || !reply.result?.ok) failed++
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  const seconds = (performance.now() - started) / 1000
  const cpu = process.cpuUsage(cpuBefore)
  const measured = new Set(accounts.map((a) => a.openid))
  const records = (await emulator.database.dump('users')).filter((u) => measured.has(u._openid)).length
  return {
    users: accounts.length,
    concurrency,
    seconds: round(seconds, 2),
    loginsPerSecond: round(accounts.length / seconds, 0),
    p50Ms: round(median(latencies)),
    p95Ms: round(percentile(latencies, 95)),
    cpuMsPerLogin: round((cpu.user + cpu.system) / 1000 / accounts.length, 2),
    loadAverage: round(loadavg()[0], 2),
    failed,
    userRecords: records,
  }
}
