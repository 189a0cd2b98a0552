// `npm run bench`: builds what it measures, measures it side by side in one run, prints one table, and writes
// bench/results.json (every figure) and bench/RESULTS.md (the table, before/after, method).
//
//   npm run bench [-- --with-tests] [--no-trials] [--trials-only a,b] [--runs 15] [--calls 30] [--users 1000]
//                 [--concurrency 50] [--throughput-runs 3] [--launches 10]
//
// bench/rows/*.mjs add rows of their own (another part of the project measured the same way, e.g. the login
// server's throughput): each exports `async function measure(options)` -> { rows: [[section, measure, value, note]] }.
// --with-tests runs `npm test` and times it (else the last run's test-output/jest.json is read);
// --no-trials skips the one-setting build trials (the project, hello world and "before" builds still run);
// --report-only measures nothing: it rewrites RESULTS.md and the table from bench/results.json (after a change
// of budget.json or of the report's wording).
// Progress goes to stderr, the table to stdout.
import { readFileSync, writeFileSync, mkdirSync, existsSync, readdirSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { BENCH, OUT, FIXTURES } from './lib/paths.mjs'
import { VARIANTS } from './lib/variants.mjs'
import { buildNodeSide, buildWeapp, FUNCTION_BUILDS } from './lib/builds.mjs'
import { measurePackage } from './lib/package-size.mjs'
import { pageFigures } from './lib/page-figures.mjs'
import { coldLoads, emulatorCosts } from './lib/function-cost.mjs'
import { deploySize } from './lib/deploy-size.mjs'
import { loginThroughput } from './lib/throughput.mjs'
import { suiteTime } from './lib/suite-time.mjs'
import { checkBudget } from './lib/budget.mjs'
import { consoleTable, resultsMarkdown } from './lib/report.mjs'

const { values: args } = parseArgs({
  options: {
    'with-tests': { type: 'boolean', default: false },
    'no-trials': { type: 'boolean', default: false },
    runs: { type: 'string', default: '15' },
    calls: { type: 'string', default: '30' },
    users: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '50' },
    launches: { type: 'string', default: '10' },
    'report-only': { type: 'boolean', default: false },
    'trials-only': { type: 'string' },
    'throughput-runs': { type: 'string', default: '3' },
  },
})
const options = {
  runs: Number(args.runs),
  calls: Number(args.calls),
  users: Number(args.users),
  concurrency: Number(args.concurrency),
  launches: Number(args.launches),
  withTests: args['with-tests'],
  trials: !args['no-trials'],
  /** a comma-separated list of trial builds to run (the others are skipped) */
  trialsOnly: args['trials-only']?.split(',').map((t) => t.trim()),
  throughputRuns: Number(args['throughput-runs']),
}

async function measure() {
  const started = performance.now()
  const log = (message) =>
    process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}\n`)
  mkdirSync(OUT, { recursive: true })

  // 1. builds first, measurements after: timings run on a quiet machine
  log('building the cloud functions and the emulator')
  const functionNames = await buildNodeSide()
  const builds = {}
  for (const [name, v] of Object.entries(VARIANTS)) {
    if (v.group === 'trial' && (!options.trials || (options.trialsOnly && !options.trialsOnly.includes(name)))) continue
    log(`building weapp: ${name} (${v.label})`)
    builds[name] = buildWeapp(name)
  }

  // 2. sizes
  const packages = {
    weauth: measurePackage(builds.baseline.dir, { moduleMap: builds.baseline.moduleMap }),
    hello: measurePackage(builds['taro-hello'].dir, { moduleMap: builds['taro-hello'].moduleMap }),
    native: measurePackage(join(FIXTURES, 'native-auth'), { taro: false }),
  }
  const variants = {}
  for (const [name, b] of Object.entries(builds)) {
    const { main, subpackages } = measurePackage(b.dir, { moduleMap: b.moduleMap })
    const { label, group, finding } = VARIANTS[name]
    const baseWxmlSame =
      name === 'baseline' || group === 'project'
        ? undefined
        : readFileSync(join(b.dir, 'base.wxml')).equals(readFileSync(join(builds.baseline.dir, 'base.wxml')))
    variants[name] = {
      label,
      group,
      finding,
      main,
      subpackages,
      baseWxmlSame,
      buildSeconds: Math.round(b.seconds * 10) / 10,
    }
  }

  // 3. pages: round trips, setData, launch
  log('page measurements (Jest, miniprogram-simulate)')
  const pages = pageFigures(
    {
      weauth: builds.baseline.dir,
      'weauth-before': builds.before.dir,
      hello: builds['taro-hello'].dir,
      native: join(FIXTURES, 'native-auth'),
    },
    { launches: options.launches },
  )

  // 4. cloud functions
  log(`cloud functions: cold loads (${options.runs} processes each)`)
  const buildDirs = Object.fromEntries(Object.entries(FUNCTION_BUILDS).map(([k, b]) => [k, b.dir]))
  const coldLoad = coldLoads(functionNames, options.runs, buildDirs)
  log(`cloud functions: warm calls through the emulator (${options.calls} each)`)
  const emulator = await emulatorCosts(options.calls)
  const deploy = Object.fromEntries(
    Object.entries(FUNCTION_BUILDS).map(([build, { dir }]) => [
      build,
      Object.fromEntries(functionNames.map((name) => [name, deploySize(join(dir, name))])),
    ]),
  )

  // 5. emulator throughput and the test suite
  log(`emulator throughput: ${options.users} logins, ${options.concurrency} at a time, ${options.throughputRuns} runs`)
  const throughputRuns = []
  for (let i = 0; i < options.throughputRuns; i++)
    throughputRuns.push(await loginThroughput({ users: options.users, concurrency: options.concurrency }))
  const byRate = [...throughputRuns].sort((a, b) => a.loginsPerSecond - b.loginsPerSecond)
  const throughput = { ...byRate[byRate.length >> 1], runs: throughputRuns }

  // rows other parts of the project measure (bench/rows/*.mjs, e.g. the login server's throughput): each
  // module exports `async function measure(options)` returning { rows: [[section, measure, value, note], ...] }
  const extra = []
  const rowsDir = join(BENCH, 'rows')
  for (const file of existsSync(rowsDir)
    ? readdirSync(rowsDir)
        .filter((f) => f.endsWith('.mjs'))
        .sort()
    : []) {
    log(`extra rows: bench/rows/${file}`)
    const { measure: measureRows } = await import(pathToFileURL(join(rowsDir, file)).href)
    extra.push({ source: `bench/rows/${file}`, ...(await measureRows(options)) })
  }
  if (options.withTests) log('npm test (timed)')
  const suite = suiteTime({ run: options.withTests })

  const command = `npm run bench${process.argv.slice(2).length ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`
  const results = {
    generatedAt: new Date().toISOString(),
    command,
    environment: {
      node: process.versions.node,
      platform: `${process.platform}-${process.arch}`,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model?.trim() ?? 'unknown',
    },
    options,
    packages,
    variants,
    budget: checkBudget(packages.weauth.main),
    pages,
    functions: { builds: FUNCTION_BUILDS, coldLoad, emulator, deploy },
    throughput,
    extra,
    suite,
  }
  return results
}

let results
if (args['report-only']) {
  results = JSON.parse(readFileSync(join(BENCH, 'results.json'), 'utf8'))
  results.budget = checkBudget(results.packages.weauth.main)
} else {
  results = await measure()
}
writeFileSync(join(BENCH, 'results.json'), `${JSON.stringify(results, null, 2)}\n`)
writeFileSync(join(BENCH, 'RESULTS.md'), resultsMarkdown(results, { command: results.command ?? 'npm run bench' }))
process.stderr.write('bench/results.json and bench/RESULTS.md written\n')
console.log(consoleTable(results))
