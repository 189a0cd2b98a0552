// `npm test`: lints, checks formatting, builds what the tests run (compiled cloud functions, emulator, login server, playground, weapp
// dist/ and its http-auth-provider twin, the H5 build dist-h5/ the playground serves), typechecks,
// runs every Jest suite, and closes with a plain "N passed, N failed" line.
// Extra arguments go to Jest (e.g. `npm test -- tests/pages`).
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync } from 'node:fs'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const bin = (name) => join(root, 'node_modules', '.bin', name)
const jestArgs = process.argv.slice(2)

function step(title, command, args, env = {}) {
  const started = Date.now()
  console.log(`\n▶ ${title}`)
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } })
  console.log(`  ${title}: ${result.status === 0 ? 'ok' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s`)
  return result.status === 0
}

const npmBin = process.platform === 'win32' ? 'npm.cmd' : 'npm'
const habitsOk =
  step('lint (ESLint: taro rules for src/, typescript-eslint elsewhere, import boundaries)', npmBin, [
    'run',
    '-s',
    'lint',
  ]) && step('format check (Prettier)', npmBin, ['run', '-s', 'format:check'])

const buildOk =
  habitsOk &&
  step('build cloud functions + emulator + playground', process.execPath, [join(root, 'scripts', 'build-node.mjs')]) &&
  step('build weapp (dist/)', bin('taro'), ['build', '--type', 'weapp'], { NODE_ENV: 'production' }) &&
  // the same pages with the http auth provider, for the login journey against the reference server
  // (tests/helpers/http-auth.ts routes https://weauth-server.test to it)
  step('build weapp, http auth provider (test-output/weapp-http/)', bin('taro'), ['build', '--type', 'weapp'], {
    NODE_ENV: 'production',
    TARO_APP_AUTH_PROVIDER: 'http',
    TARO_APP_AUTH_SERVER_URL: 'https://weauth-server.test',
    WEAUTH_WEAPP_OUTPUT: 'test-output/weapp-http',
  }) &&
  // the same pages for the browser: what the playground serves and tests/e2e drives in Chromium
  step('build H5 (dist-h5/)', bin('taro'), ['build', '--type', 'h5'], { NODE_ENV: 'production' }) &&
  step('typecheck (one tsconfig per runtime: weapp, browser, functions, node, tests)', bin('tsc'), [
    '-b',
    'tsconfig.json',
  ])
if (!buildOk) {
  console.log('\n0 passed, 1 failed')
  process.exit(1)
}

mkdirSync(join(root, 'test-output'), { recursive: true })
const report = join(root, 'test-output', 'jest.json')
// --forceExit: on two cores Jest runs the suites in its own process, so a test that times out leaves its calls in
// flight and Jest would wait for them for ever after printing the results; the results are written either way.
const jestOk = step('jest', bin('jest'), ['--json', `--outputFile=${report}`, '--forceExit', ...jestArgs], {
  NODE_ENV: 'test',
})

let passed = 0
let failed = 0
try {
  const json = JSON.parse(readFileSync(report, 'utf8'))
  passed = json.numPassedTests
  // a suite that fails to load has no failed tests but is a failure all the same
  failed = json.numFailedTests + json.numRuntimeErrorTestSuites
} catch {
  failed = 1
}
if (!jestOk && failed === 0) failed = 1
// the reliability report (test-output/RELIABILITY.md) is written from a full run only (a filtered run would drop
// guarantees); `npm run report:reliability` copies it into docs/
if (
  jestArgs.length === 0 &&
  !step('reliability report (test-output/RELIABILITY.md)', process.execPath, [
    join(root, 'scripts', 'reliability-report.mjs'),
  ])
) {
  failed += 1
}
console.log(`\n${passed} passed, ${failed} failed`)
process.exit(failed === 0 && passed > 0 ? 0 : 1)
