// What each cloud function costs to run:
// - cold module load: wall time of a fresh `node -e "require('<fn>/index.js')"` (the SDK and the function's code
//   loading, in SCF's environment) minus that of an empty `node -e ""` run just before it, median (and spread)
//   of `runs` such pairs;
//   for the deploy folders (dist-cloud/, the SDK bundled, its unused parts deferred) and, in the same run and
//   interleaved, the two builds before them: the SDK bundled as it is, and the SDK installed in node_modules
//   (WeChat's quickstart way);
// - in the emulator: the first call's cold start (worker thread + module load, as the runner measures it),
//   then, over the warm calls, the median handler time (measured inside the worker) and invoke time (the
//   runner's round trip to the worker and back, what wx.cloud.callFunction waits for in the emulator);
// - per call: database reads and writes, open API (云调用) calls and storage operations the emulator served.
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { ROOT } from './paths.mjs'
import { median, round, spread } from './stats.mjs'
import { startEmulator, callFunction } from './emulator.mjs'

const require = createRequire(import.meta.url)

/**
 * The environment a function loads in: SCF's built-in TENCENTCLOUD_RUNENV=SCF ("已内置环境变量",
 * https://docs.cloudbase.net/cloud-function/function-configuration/env), as the emulator's workers have it. The
 * node SDK reads it in cloud.init(): outside SCF it asks the metadata service where it runs, an HTTP request (30 ms
 * timeout) that a deployed function never makes. SILENCE: the SDK's own switch for its console output, as the
 * emulator sets it.
 */
const SCF_ENV = { TENCENTCLOUD_RUNENV: 'SCF', SILENCE: 'true' }

function wallMs(args) {
  const started = process.hrtime.bigint()
  const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'ignore', env: { ...process.env, ...SCF_ENV } })
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}`)
  return Number(process.hrtime.bigint() - started) / 1e6
}

/**
 * Fresh processes, interleaved (an empty node before each measured one) so that the machine's drift hits all
 * alike; each figure is the median of its paired differences, with their spread.
 * @param builds build name -> folder holding <function>/index.js (the first is the deployed one)
 */
export function coldLoads(names, runs, builds) {
  const deltas = { sdk: [] }
  const empty = []
  const targets = [['sdk', require.resolve('wx-server-sdk', { paths: [ROOT] })]]
  for (const [build, dir] of Object.entries(builds))
    for (const name of names) {
      deltas[`${build}/${name}`] = []
      targets.push([`${build}/${name}`, join(dir, name, 'index.js')])
    }
  for (let i = 0; i < runs; i++) {
    for (const [key, file] of targets) {
      const base = wallMs(['-e', ''])
      empty.push(base)
      deltas[key].push(wallMs(['-e', `require(${JSON.stringify(file)})`]) - base)
    }
  }
  const perFunction = (build) =>
    Object.fromEntries(names.map((n) => [n, { moduleMs: spread(deltas[`${build}/${n}`]) }]))
  return {
    emptyNodeMs: spread(empty),
    sdk: { moduleMs: spread(deltas.sdk) },
    builds: Object.fromEntries(Object.keys(builds).map((b) => [b, perFunction(b)])),
  }
}

const DB = {
  reads: ['getDocument', 'calculateDocument'],
  writes: ['insertDocument', 'modifyDocument', 'removeDocument'],
}

function counted(counters) {
  const get = (k) => counters.get(k) ?? 0
  const sum = (names) => names.reduce((n, name) => n + get(`admin.database.${name}`), 0)
  let storage = 0
  for (const [k, v] of counters) if (k.startsWith('admin.storage.')) storage += v
  return { dbReads: sum(DB.reads), dbWrites: sum(DB.writes), openApi: get('admin.wx.openApi'), storage }
}

/**
 * How to call each function `count` times: an event per call, and who calls (some calls need a fresh user:
 * deleteAccount deletes it, login's first call creates it).
 */
function scenarios(emulator) {
  const newUser = async () => {
    const account = await emulator.accounts.create()
    await callFunction(emulator, account, 'login', { consentVersion: '2026-11' })
    return account
  }
  let n = 0
  return {
    'login (first)': {
      fn: 'login',
      account: () => emulator.accounts.create(),
      event: () => ({ consentVersion: '2026-11' }),
    },
    'login (returning)': { fn: 'login', shared: true, account: newUser, event: () => ({ consentVersion: '2026-11' }) },
    updateProfile: { fn: 'updateProfile', shared: true, account: newUser, event: () => ({ nickName: `小明${n++}` }) },
    bindPhone: {
      fn: 'bindPhone',
      shared: true,
      account: newUser,
      event: (account) => ({
        code: emulator.openapi.fixtures.issuePhoneCode(account.openid, {
          phoneNumber: '13800001111',
          countryCode: '86',
        }),
      }),
    },
    deleteAccount: { fn: 'deleteAccount', account: newUser, event: () => ({ confirm: true }) },
  }
}

export async function emulatorCosts(calls) {
  const emulator = await startEmulator()
  const identity = (account) => ({
    openid: account.openid,
    appid: emulator.ctx.appid,
    unionid: account.unionid,
    clientIp: '127.0.0.1',
    source: 'wx_client',
  })
  try {
    const out = {}
    const plans = scenarios(emulator)
    for (const [label, plan] of Object.entries(plans)) {
      const sharedAccount = plan.shared ? await plan.account() : undefined
      const handler = []
      const roundTrip = []
      let coldStartMs
      const ops = { dbReads: 0, dbWrites: 0, openApi: 0, storage: 0 }
      for (let i = 0; i < calls; i++) {
        const account = sharedAccount ?? (await plan.account())
        const event = plan.event(account)
        emulator.counters.clear()
        // the runner's invoke is what wx.cloud.callFunction reaches; it reports the handler time and cold start
        const started = performance.now()
        const reply = await emulator.functions.invoke(plan.fn, event, identity(account))
        const ms = performance.now() - started
        if (!reply.result?.ok) throw new Error(`${label}: ${JSON.stringify(reply.result)}`)
        const c = counted(emulator.counters)
        for (const k of Object.keys(ops)) ops[k] += c[k]
        // the invocation that spawned a worker is the cold one; it is not in the warm figures
        if (reply.coldStartMs !== undefined && coldStartMs === undefined) coldStartMs = reply.coldStartMs
        else {
          handler.push(reply.durationMs)
          roundTrip.push(ms)
        }
      }
      out[label] = {
        fn: plan.fn,
        calls,
        emulatorColdStartMs: coldStartMs === undefined ? null : round(coldStartMs),
        warmHandlerMs: round(median(handler), 2),
        warmInvokeMs: round(median(roundTrip), 2),
        perCall: Object.fromEntries(Object.entries(ops).map(([k, v]) => [k, round(v / calls, 2)])),
      }
    }
    return out
  } finally {
    await emulator.stop()
  }
}
