// The whole test suite's wall time. By default the figure comes from the last `npm test` (its Jest report,
// test-output/jest.json: start to the last suite's end, Jest only); with --with-tests, `npm test` runs now
// and is timed end to end (builds, typecheck and Jest).
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from './paths.mjs'
import { round } from './stats.mjs'

const REPORT = join(ROOT, 'test-output', 'jest.json')

function fromReport() {
  if (!existsSync(REPORT)) return null
  const json = JSON.parse(readFileSync(REPORT, 'utf8'))
  const end = Math.max(...json.testResults.map((r) => r.endTime))
  return {
    jestSeconds: round((end - json.startTime) / 1000),
    passed: json.numPassedTests,
    failed: json.numFailedTests + json.numRuntimeErrorTestSuites,
    reportWrittenAt: statSync(REPORT).mtime.toISOString(),
  }
}

export function suiteTime({ run }) {
  if (!run) {
    const last = fromReport()
    return last
      ? { source: 'last npm test (test-output/jest.json)', totalSeconds: null, ...last }
      : { source: 'no test-output/jest.json: run npm test or pass --with-tests' }
  }
  const started = performance.now()
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'test.mjs')], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  })
  const totalSeconds = round((performance.now() - started) / 1000)
  // its own output only when it failed: the figure stands either way, the table says how it ended
  if (r.status !== 0)
    process.stderr.write(
      `npm test failed (exit ${r.status}); its last lines:\n${`${r.stdout}${r.stderr}`.split('\n').slice(-40).join('\n')}\n`,
    )
  return { source: 'npm test, this run', totalSeconds, exitCode: r.status, ...fromReport() }
}
