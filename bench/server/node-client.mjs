// The load generator of bench/server/logins.mjs where wrk is missing: Node's http client, in a process of its own
// so its CPU time is counted apart from the WeChat side. Same interface as logins.lua:
//   LOGIN_CODES=<file> LOGIN_COUNT=<n> LOGIN_TARGETS=<host:port,...> node node-client.mjs <concurrency>
// sends LOGIN_COUNT logins, `concurrency` at a time, code i to target i % targets, and prints RESULT {json}.
import { readFileSync } from 'node:fs'
import { Agent, request } from 'node:http'

const codes = readFileSync(process.env.LOGIN_CODES, 'utf8').split('\n').filter(Boolean)
const count = Number(process.env.LOGIN_COUNT)
const targets = process.env.LOGIN_TARGETS.split(',')
const concurrency = Number(process.argv[2] ?? 64)
const agent = new Agent({ keepAlive: true, maxSockets: concurrency })

function login(target, code) {
  const payload = Buffer.from(JSON.stringify({ code }))
  return new Promise((resolve) => {
    const req = request(
      `http://${target}/auth/login`,
      { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': payload.length }, agent },
      (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode))
      },
    )
    req.on('error', () => resolve(0))
    req.end(payload)
  })
}

let next = 0
let ok = 0
const latencies = []
const cpuAtStart = process.cpuUsage()
const started = performance.now()
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < count) {
      const i = next++
      const sent = performance.now()
      if ((await login(targets[i % targets.length], codes[i])) === 200) ok++
      latencies.push(performance.now() - sent)
    }
  }),
)
const durationUs = Math.round((performance.now() - started) * 1000)
agent.destroy()
latencies.sort((a, b) => a - b)
const pct = (p) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] * 1000)
const { user, system } = process.cpuUsage(cpuAtStart)
console.log(
  `RESULT ${JSON.stringify({ replies: latencies.length, ok, durationUs, cpuMs: (user + system) / 1000, p50Us: pct(0.5), p99Us: pct(0.99) })}`,
)
