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
      `goal ${goalCalls} call${goalCalls === 1 ? '' : 's'}, <= 1 write: ${met ? 'met' : 'NOT MET'}${before ? (same ? '; before: same' : `; before: ${roundTripCell(before)}`) : ''}`,
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
    `includes the page's initial data${before ? `; before: ${setDataCell(before.firstRender)}` : ''}`,
  ])
  rows.push([
    'setData',
    'consent tap',
    setDataCell(sd.weauth.consent),
    '',
    setDataCell(sd.native.consent),
    before ? `before: ${setDataCell(before.consent)}` : '',
  ])
  rows.push([
    'setData',
    'authorize tap -> logged in',
    setDataCell(sd.weauth.authorize),
    '',
    setDataCell(sd.native.authorize),
    `WeAuth also renders the profile form${before ? `; before: ${setDataCell(before.authorize)}` : ''}`,
  ])
  if (sd.weauth.userCenter)
    rows.push([
      'setData',
      'user center first render (signed in)',
      setDataCell(sd.weauth.userCenter),
      '',
      '',
      before?.userCenter ? `before: ${setDataCell(before.userCenter)}` : '',
    ])
  const la = r.pages.launch
  const launchCell = (x) =>
    x ? `${ms(x.medianMs)}${x.p25Ms !== undefined ? ` (IQR ${x.p25Ms}-${x.p75Ms})` : ''}` : 'n/a'
  rows.push([
    'launch',
    'launch to first render',
    launchCell(la.weauth),
    launchCell(la.hello),
    launchCell(la.native),
    `miniprogram-simulate, median of ${la.weauth.runs}${la['weauth-before'] ? `; before: ${launchCell(la['weauth-before'])}` : ''}`,
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
    `${t.runs ? `median of ${t.runs.length} runs (${t.runs.map((x) => x.loginsPerSecond).join(', ')}); ` : ''}p50 ${ms(t.p50Ms)}, p95 ${ms(t.p95Ms)}, ${t.cpuMsPerLogin === undefined ? '' : `${t.cpuMsPerLogin} ms CPU per login (load average ${t.loadAverage}), `}${t.failed} failed, ${t.userRecords} user records`,
  ])
  for (const block of r.extra ?? []) {
    rows.push(null)
    for (const [section, measure, value, note] of block.rows) rows.push([section, measure, value, '', '', note ?? ''])
  }
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

export const RATIO_HEADER = ['Measure', 'Ratio', 'Against', 'Goal']

const times = (a, b) => (a && b ? `${(a / b).toFixed(2)}x` : 'n/a')

/** The comparisons first: WeAuth against Taro's hello world, the native floor, and its own builds before. */
export function ratioRows(r) {
  const w = r.packages.weauth.main
  const h = r.packages.hello.main
  const n = r.packages.native.main
  const sd = r.pages.setData
  const total = (p) => (p ? p.bytes + p.initialBytes : undefined)
  const la = r.pages.launch
  const fc = r.functions
  const cold = (build, fn = 'login') => fc.coldLoad.builds[build]?.[fn]?.moduleMs?.median
  const deployedBytes = Object.values(fc.deploy.deployed)[0].deployed
  const installedBytes = Object.values(fc.deploy.installed)[0].deployed
  const rows = [
    ['main package, gzip', times(w.gzip, h.gzip), `Taro hello (${kb(h.gzip)})`, `<= 51 KB: ${kb(w.gzip)}`],
    ['main package, gzip', times(w.gzip, n.gzip), `native floor (${kb(n.gzip)})`, ''],
    ['main package, raw', times(w.raw, h.raw), `Taro hello (${kb(h.raw)})`, ''],
    [
      'setData, auth page first render',
      times(total(sd.weauth.firstRender), total(sd.native.firstRender)),
      `native floor (${setDataCell(sd.native.firstRender)})`,
      `<= 600 B: ${setDataCell(sd.weauth.firstRender)}`,
    ],
    [
      'setData, auth page first render',
      times(total(sd.weauth.firstRender), total(sd.hello.firstRender)),
      `Taro hello (${setDataCell(sd.hello.firstRender)})`,
      '',
    ],
    [
      'launch to first render',
      times(la.weauth.medianMs, la.hello.medianMs),
      `Taro hello (${ms(la.hello.medianMs)})`,
      '',
    ],
    [
      'launch to first render',
      times(la.weauth.medianMs, la.native.medianMs),
      `native floor (${ms(la.native.medianMs)})`,
      '',
    ],
  ]
  for (const fn of Object.keys(fc.coldLoad.builds.deployed))
    rows.push([
      `cold module load, ${fn}: faster by`,
      times(cold('installed', fn), cold('deployed', fn)),
      `SDK installed (${ms(cold('installed', fn))}; bundled as is ${ms(cold('bundled-eager', fn))})`,
      `>= 3.5x and <= 60 ms: ${ms(cold('deployed', fn))}`,
    ])
  rows.push([
    'deploy folder, bytes: smaller by',
    times(installedBytes, deployedBytes),
    `SDK installed (${mb(installedBytes)})`,
    `<= 1.3 MB: ${mb(deployedBytes)}`,
  ])
  rows.push([
    'emulator login throughput',
    times(r.throughput.loginsPerSecond, 1000),
    'the goal, 1,000 logins/s',
    `>= 1,000/s: ${r.throughput.loginsPerSecond}/s`,
  ])
  return rows
}

/** cloud-function builds side by side: cold module load (median, spread) and what deploying ships */
export function functionRows(r) {
  const fc = r.functions
  return Object.entries(fc.builds).map(([build, { label }]) => {
    const d = Object.values(fc.deploy[build])[0]
    return [
      label,
      ...Object.keys(fc.coldLoad.builds[build]).map((fn) => spreadMs(fc.coldLoad.builds[build][fn].moduleMs)),
      `${mb(d.deployed)}, ${d.files.toLocaleString('en')} files, ${d.packages} packages installed`,
    ]
  })
}

export function consoleTable(r) {
  const fnHeader = ['cloud-function build', ...Object.keys(r.functions.coldLoad.builds.deployed), 'deployed (each)']
  return [
    'Ratios (timings: medians over repeated runs; spreads in the tables below)',
    textTable(RATIO_HEADER, ratioRows(r)),
    '',
    'Cloud functions, cold module load over an empty node: median (IQR, runs)',
    textTable(fnHeader, functionRows(r)),
    '',
    'Absolute figures',
    textTable(HEADER, tableRows(r)),
  ].join('\n')
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
  const fc = r.functions
  const cold = (build) => fc.coldLoad.builds[build].login.moduleMs
  const lines = [
    `WeAuth's main package is ${kb(w.raw)} raw / ${kb(w.gzip)} gzip (${ratio(w.gzip, h.gzip)} Taro's hello world, ${kb(h.raw)} / ${kb(h.gzip)}); ${pct(w.runtime.raw, w.raw).slice(1)} of it is the Taro + Preact runtime. WeAuth's own code is ${kb(w.app.raw)} raw, styles ${kb(w.styles.raw)}.`,
  ]
  if (before)
    lines.push(
      `Before (every component table in taro.js, every page in the main package) it was ${kb(before.raw)} / ${kb(before.gzip)}: ${pct(w.raw - before.raw, before.raw)} raw, ${pct(w.gzip - before.gzip, before.gzip)} gzip.`,
    )
  lines.push(
    `Cloud calls to logged-in (first login / returning / expired session / after logout): ${goals}, goal 1/0/1/1; at most ${writes} database write per login.`,
  )
  lines.push(
    `setData of the authorization page: first render ${setDataCell(sd.weauth.firstRender)} against ${setDataCell(sd.native.firstRender)} for the native page: Taro sends the page tree, native pages send their data.`,
  )
  lines.push(
    `A cloud function's cold module load (login, over an empty Node) is ${spreadMs(cold('deployed'))} as deployed (SDK bundled, its unused parts deferred), ${spreadMs(cold('bundled-eager'))} with the SDK bundled as it is, ${spreadMs(cold('installed'))} with the SDK installed: ${ratio(cold('installed').median, cold('deployed').median)} faster. Warm, login runs in ${ms(fc.emulator['login (returning)'].warmHandlerMs)} in the emulator.`,
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

## Ratios

Medians over repeated runs (spreads in the tables below); the machine's load moves absolute timings by tens of
percent between runs, ratios measured in the same run move less.

${markdownTable(RATIO_HEADER, ratioRows(r))}

## Cloud functions, before and after

Cold module load over an empty \`node -e ""\`, in SCF's environment (\`TENCENTCLOUD_RUNENV=SCF\`): median
(interquartile range, runs) of paired, interleaved runs, and what deploying each function ships. The three builds of the same sources in the same run
(scripts/build-node.mjs, \`sdk\` option).

${markdownTable(['cloud-function build', ...Object.keys(r.functions.coldLoad.builds.deployed), 'deployed (each)'], functionRows(r))}

## The table

WeAuth is the project's weapp build (config/index.ts, production, byte-identical to \`npm run build:weapp\`),
Taro hello is Taro's one-page template built with the same config in the same run
(bench/fixtures/taro-hello), and the native floor is the authorization page hand-written without a
framework (bench/fixtures/native-auth).

${markdownTable(HEADER, tableRows(r))}

## Before and after (main package, raw / gzip)

Now: ${kb(base.raw)} / ${kb(base.gzip)} (runtime ${kb(base.runtime.raw)}, app code ${kb(base.app.raw)}, raw).
Each row is a build of the same sources with the project's config changed one way (bench/lib/variants.mjs),
measured in this run; changes are against now. The "before" row is the project before issue 18 (component
tables kept, every page in the main package). base.wxml of every variant against now's: ${Object.entries(r.variants)
    .filter(([, v]) => v.baseWxmlSame !== undefined)
    .map(([name, v]) => `${name} ${v.baseWxmlSame ? 'byte-identical' : 'differs'}`)
    .join(', ')}.

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
- Cloud functions: cold module load = median over ${r.options.runs} runs of the wall time of a fresh \`node -e "require(<fn>/index.js)"\` minus that of the \`node -e ""\` run just before it, both with SCF's built-in \`TENCENTCLOUD_RUNENV=SCF\` (outside SCF, \`cloud.init()\` first asks Tencent Cloud's metadata service where it runs, a request with a 30 ms timeout that a deployed function never makes); warm = median over ${r.options.calls} calls through the emulator's function runner (handler time measured inside the worker); deployed size = every file of the function's deploy folder plus the closure of its package.json dependencies as installed at the root (none for dist-cloud/).
- Throughput: ${r.throughput.users} distinct users each calling \`login\` once through the emulator's client API, ${r.throughput.concurrency} at a time, after a warm-up; a fresh emulator per run, median of the runs.
- Test suite: ${r.suite.source}.
`
}
