// Turns the figures of one bench run into the one table (console and Markdown) and bench/RESULTS.md.
import { kb, mb, rawGzip, ratio, ms, signedKb, pct, textTable, markdownTable } from './format.mjs'

export const HEADER = ['Section', 'Measure', 'WeAuth', 'Taro hello', 'Native floor', 'Note']

/** a timing with its spread over the runs: median (interquartile range, runs) */
export const spreadMs = (x) => (x ? `${x.median} ms (IQR ${x.p25}-${x.p75}, n ${x.n})` : 'n/a')

const SCENARIOS = [
  ['firstLogin', 'first login (auth page tap)', 1],
  ['returning', 'returning user (cached + checkSession)', 0],
  ['expired', 'expired WeChat session', 1],
  ['afterLogout', 'sign-in after logout', 1],
]

function roundTripCell(f) {
  return `${f.cloudCalls} call${f.cloudCalls === 1 ? '' : 's'} · ${f.wxLogin} wx.login · ${f.checkSession} checkSession · ${f.dbReads} read · ${f.dbWrites} write`
}

function setDataCell(p) {
  if (!p) return 'n/a'
  const total = p.bytes + p.initialBytes
  return `${total.toLocaleString('en')} B (${p.calls} setData)`
}

export function tableRows(r) {
  const rows = []
  const { weauth, hello, native } = r.packages
  const w = weauth.main
  const h = hello.main
  const n = native.main
  rows.push([
    'size',
    'main package, raw',
    kb(w.raw),
    kb(h.raw),
    kb(n.raw),
    `WeAuth = ${ratio(w.raw, h.raw)} hello, ${ratio(w.raw, n.raw)} native`,
  ])
  rows.push([
    'size',
    'main package, gzip -9',
    kb(w.gzip),
    kb(h.gzip),
    kb(n.gzip),
    `WeAuth = ${ratio(w.gzip, h.gzip)} hello, ${ratio(w.gzip, n.gzip)} native`,
  ])
  rows.push([
    'size',
    '  app code (raw / gzip)',
    rawGzip(w.app),
    rawGzip(h.app),
    rawGzip(n.app),
    `WeAuth's own code = ${ratio(w.app.raw, n.app.raw)} the native page`,
  ])
  rows.push([
    'size',
    '  Taro + React runtime',
    rawGzip(w.runtime),
    rawGzip(h.runtime),
    rawGzip(n.runtime),
    `${pct(w.runtime.raw, w.raw).slice(1)} of WeAuth's main package`,
  ])
  rows.push(['size', '  styles (.wxss)', rawGzip(w.styles), rawGzip(h.styles), rawGzip(n.styles), ''])
  if (r.budget)
    rows.push([
      'size',
      'budget (bench/budget.json)',
      `<= ${kb(r.budget.limits.rawBytes)} / ${kb(r.budget.limits.gzipBytes)}`,
      '',
      '',
      r.budget.ok ? 'within budget' : `OVER BUDGET: ${r.budget.problems.join('; ')}`,
    ])
  rows.push(null)

  for (const v of Object.values(r.variants)) {
    if (v.group === 'project') continue
    const dRaw = v.main.raw - w.raw
    const dGz = v.main.gzip - w.gzip
    const sub = Object.values(v.subpackages).reduce((s, p) => s + p.raw, 0)
    rows.push([
      v.group === 'before' ? 'before' : 'tried',
      v.label,
      `${kb(v.main.raw)} / ${kb(v.main.gzip)}`,
      '',
      '',
      `${signedKb(dRaw)} raw (${pct(dRaw, w.raw)}), ${signedKb(dGz)} gzip (${pct(dGz, w.gzip)})${sub ? `; subpackages ${kb(sub)} raw` : ''}`,
    ])
  }
  rows.push(null)

  const trips = r.pages.roundTrips
  for (const [key, label, goalCalls] of SCENARIOS) {
    const f = trips.weauth[key]
    const met = f.cloudCalls === goalCalls && f.dbWrites <= 1
    const before = trips['weauth-before']?.[key]
    const same =
      before && before.cloudCalls === f.cloudCalls && before.dbWrites === f.dbWrites && before.dbReads === f.dbReads
    rows.push([
      'round trips',
      label,
      roundTripCell(f),
      '',
      '',
      `goal ${goalCalls} call${goalCalls === 1 ? '' : 's'}, <= 1 write: ${met ? 'met' : 'NOT MET'}${before ? (same ? '; before the size cut: same' : `; before the size cut: ${roundTripCell(before)}`) : ''}`,
    ])
  }
  const lo = trips.weauth.logout
  rows.push(['round trips', 'logout itself', roundTripCell(lo), '', '', 'forgets the login state on the device only'])
  rows.push(null)

  const sd = r.pages.setData
  const before = sd['weauth-before']
  rows.push([
    'setData',
    'auth page first render',
    setDataCell(sd.weauth.firstRender),
    setDataCell(sd.hello.firstRender),
    setDataCell(sd.native.firstRender),
    `includes the page's initial data${before ? `; before the size cut: ${setDataCell(before.firstRender)}` : ''}`,
  ])
  rows.push([
    'setData',
    'consent tap',
    setDataCell(sd.weauth.consent),
    '',
    setDataCell(sd.native.consent),
    before ? `before the size cut: ${setDataCell(before.consent)}` : '',
  ])
  rows.push([
    'setData',
    'authorize tap -> logged in',
    setDataCell(sd.weauth.authorize),
    '',
    setDataCell(sd.native.authorize),
    `WeAuth also renders the profile form${before ? `; before the size cut: ${setDataCell(before.authorize)}` : ''}`,
  ])
  const la = r.pages.launch
  rows.push([
    'launch',
    'launch to first render',
    ms(la.weauth.medianMs),
    ms(la.hello.medianMs),
    ms(la.native.medianMs),
    `miniprogram-simulate, median of ${la.weauth.runs}${la['weauth-before'] ? `; before the size cut: ${ms(la['weauth-before'].medianMs)}` : ''}`,
  ])
  rows.push(null)

  const fc = r.functions
  const deployedCold = fc.coldLoad.builds.deployed
  for (const [label, e] of Object.entries(fc.emulator)) {
    const ops = e.perCall
    const coldNote =
      label.startsWith('login') && label !== 'login (first)'
        ? ''
        : `cold: module load ${spreadMs(deployedCold[e.fn].moduleMs)}, emulator cold start ${ms(e.emulatorColdStartMs)}`
    rows.push([
      'cloud fn',
      `${label}: warm handler (invoke)`,
      `${ms(e.warmHandlerMs)} (${ms(e.warmInvokeMs)})`,
      '',
      '',
      coldNote,
    ])
    rows.push([
      'cloud fn',
      `${label}: per call`,
      `${ops.dbReads} read · ${ops.dbWrites} write · ${ops.openApi} open API · ${ops.storage} storage`,
      '',
      '',
      `mean of ${e.calls} calls`,
    ])
  }
  const deployed = Object.entries(fc.deploy.deployed)
  const installed = Object.values(fc.deploy.installed)[0]
  rows.push([
    'cloud fn',
    'deploy folder (each function)',
    deployed.map(([fn, d]) => `${fn} ${mb(d.deployed)}`).join(', '),
    '',
    '',
    `${deployed[0][1].files} files, nothing installed in the cloud; with the SDK installed: ${mb(installed.deployed)}, ${installed.files.toLocaleString('en')} files, ${installed.packages} packages`,
  ])
  rows.push([
    'cloud fn',
    'cold load of wx-server-sdk alone (installed)',
    spreadMs(fc.coldLoad.sdk.moduleMs),
    '',
    '',
    `over an empty node (${spreadMs(fc.coldLoad.emptyNodeMs)})`,
  ])
  rows.push(null)
  const t = r.throughput
  rows.push([
    'emulator',
    `login throughput (${t.users} users, ${t.concurrency} at a time)`,
    `${t.loginsPerSecond} logins/s`,
    '',
    '',
    `p50 ${ms(t.p50Ms)}, p95 ${ms(t.p95Ms)}, ${t.failed} failed, ${t.userRecords} user records`,
  ])
  const s = r.suite
  rows.push([
    'tests',
    'npm test wall time',
    s.totalSeconds ? `${s.totalSeconds} s` : s.jestSeconds ? `${s.jestSeconds} s (Jest)` : 'n/a',
    '',
    '',
    `${s.source}${s.passed !== undefined ? `: ${s.passed} passed, ${s.failed} failed` : ''}${s.totalSeconds && s.jestSeconds ? `; Jest ${s.jestSeconds} s` : ''}`,
  ])
  return rows
}

export function consoleTable(r) {
  return textTable(HEADER, tableRows(r))
}

/** The headline figures, in sentences. */
function findings(r) {
  const w = r.packages.weauth.main
  const h = r.packages.hello.main
  const before = r.variants.before?.main
  const trips = r.pages.roundTrips.weauth
  const goals = [
    trips.firstLogin.cloudCalls,
    trips.returning.cloudCalls,
    trips.expired.cloudCalls,
    trips.afterLogout.cloudCalls,
  ].join('/')
  const writes = Math.max(trips.firstLogin.dbWrites, trips.expired.dbWrites, trips.afterLogout.dbWrites)
  const sd = r.pages.setData
  const login = r.functions.coldLoad.functions.login
  const lines = [
    `WeAuth's main package is ${kb(w.raw)} raw / ${kb(w.gzip)} gzip; ${pct(w.runtime.raw, w.raw).slice(1)} of it is the Taro + React runtime that Taro's hello world ships too (${kb(h.raw)} / ${kb(h.gzip)}). WeAuth's own code is ${kb(w.app.raw)} raw, styles ${kb(w.styles.raw)}.`,
  ]
  if (before)
    lines.push(
      `Before the size cut (React, Taro's default runtime and terser options) it was ${kb(before.raw)} / ${kb(before.gzip)}: the cut (Preact for weapp, no innerHTML support, more terser passes) saves ${pct(w.raw - before.raw, before.raw)} raw, ${pct(w.gzip - before.gzip, before.gzip)} gzip.`,
    )
  lines.push(
    `Cloud calls to logged-in (first login / returning / expired session / after logout): ${goals}, goal 1/0/1/1; at most ${writes} database write per login.`,
  )
  lines.push(
    `setData of the authorization page: first render ${setDataCell(sd.weauth.firstRender)} against ${setDataCell(sd.native.firstRender)} for the native page: Taro sends the page tree, native pages send their data.`,
  )
  lines.push(
    `A cloud function's cold load is ${ms(login.moduleMs)} over an empty Node process (login), of which ${ms(r.functions.coldLoad.sdk.moduleMs)} is wx-server-sdk alone; warm, login runs in ${ms(r.functions.emulator['login (returning)'].warmHandlerMs)} in the emulator.`,
  )
  lines.push(
    `The emulator signs in ${r.throughput.loginsPerSecond} distinct users per second (${r.throughput.concurrency} at a time, p95 ${ms(r.throughput.p95Ms)}).`,
  )
  return lines
}

/** bench/RESULTS.md: the table, the before/after, the options that did not help, and how it was measured. */
export function resultsMarkdown(r, { command }) {
  const w = r.packages.weauth
  const largest = [...w.files]
    .filter((f) => f.package === 'main')
    .sort((a, b) => b.raw - a.raw)
    .slice(0, 8)
  const variants = Object.entries(r.variants).filter(([, v]) => v.group !== 'project')
  const base = w.main
  const beforeAfter = variants.map(([name, v]) => [
    name,
    v.label,
    `${kb(v.main.raw)} / ${kb(v.main.gzip)}`,
    `${signedKb(v.main.raw - base.raw)} (${pct(v.main.raw - base.raw, base.raw)})`,
    `${signedKb(v.main.gzip - base.gzip)} (${pct(v.main.gzip - base.gzip, base.gzip)})`,
    `${kb(v.main.runtime.raw)} / ${kb(v.main.app.raw)}`,
    v.finding ?? '',
  ])
  return `# WeAuth benchmarks

Generated by \`${command}\` on ${r.generatedAt} (Node ${r.environment.node}, ${r.environment.cpus} x ${r.environment.cpuModel}).
Figures are measured, not asserted: rerun to refresh this file. Sizes, counts and bytes are exact; timings
come from a ${r.environment.cpus}-core machine and move by tens of percent between runs with its load. 1 KB = 1024 bytes; gzip is \`gzip -9\` per file, summed.

## In short

${findings(r)
  .map((line) => `- ${line}`)
  .join('\n')}

## The table

WeAuth is the project's weapp build (config/index.ts, production, byte-identical to \`npm run build:weapp\`),
Taro hello is Taro's one-page template built with the same config in the same run
(bench/fixtures/taro-hello), and the native floor is the authorization page hand-written without a
framework (bench/fixtures/native-auth).

${markdownTable(HEADER, tableRows(r))}

## Before and after (main package, raw / gzip)

Now: ${kb(base.raw)} / ${kb(base.gzip)} (runtime ${kb(base.runtime.raw)}, app code ${kb(base.app.raw)}, raw).
Each row is a build of the same sources with the project's config changed one way (bench/lib/variants.mjs),
measured in this run; changes are against now. The "before" row is the config before the size cut.

${markdownTable(['variant', 'setting', 'main raw / gzip', 'raw change', 'gzip change', 'runtime / app raw', 'finding'], beforeAfter)}

Not tried as builds:
- React's \`reactMode\` ('legacy' / 'concurrent') of @tarojs/plugin-framework-react selects the React root API; it does not change what is bundled.
- Per-page code splitting is already what Taro does for mini programs: each page is its own chunk, shared code goes to common.js, node_modules to vendors.js, Taro to taro.js. Only subpackages move code out of the main package.
- Production mode (NODE_ENV=production, used by npm test and this bench) already minifies (terser), extracts CSS (csso) and tree-shakes (webpack usedExports).

## What the main package holds (WeAuth, config as is)

${markdownTable(
  ['file', 'raw', 'gzip'],
  largest.map((f) => [f.path, kb(f.raw), kb(f.gzip)]),
)}

Runtime vs app code inside app.js and common.js is split module by module (bench/lib/module-map-plugin.cjs
records which sources each emitted module holds): app.js carries the React reconciler next to the app entry.

## How it is measured

- Package size: every file of the main package (subpackages apart), except webpack's \`*.LICENSE.txt\` extracts and \`project.config.json\`.
- Round trips: the compiled pages under miniprogram-simulate with the emulator's simulated \`wx\` (tests/helpers/miniprogram.ts); cloud calls and \`wx.login\`/\`wx.checkSession\` from the runtime's recorded calls, reads and writes from the emulator's counters.
- setData: every \`setData\` of every component instance, as JSON bytes, plus the page's initial data (sent with the first render), from the page's open (or tap) until no setData for 100 ms.
- Launch to first render: \`require\` of app.js, onLaunch, page load and render under miniprogram-simulate (a Node proxy for the bundle's evaluation cost, not a device figure), median of ${r.pages.launch.weauth.runs}, interleaved.
- Cloud functions: cold module load = median wall time of ${r.options.runs} fresh \`node -e "require(<fn>/index.js)"\` minus that of \`node -e ""\`; warm = median over ${r.options.calls} calls through the emulator's function runner (handler time measured inside the worker); deployed size = the function folder plus the closure of its package.json dependencies as installed at the root.
- Throughput: ${r.throughput.users} distinct users each calling \`login\` once through the emulator's client API, ${r.throughput.concurrency} at a time, after a warm-up.
- Test suite: ${r.suite.source}.
`
}
