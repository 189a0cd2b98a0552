// Runs the page measurements (bench/pages/*.bench.ts) as their own Jest run (bench/jest.config.js) against the
// given builds, and returns the figures they wrote.
import { spawnSync } from 'node:child_process'
import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { BENCH, OUT, ROOT, bin } from './paths.mjs'

/** @param apps name -> built mini program folder (weauth, hello and native are required) */
export function pageFigures(apps, { launches }) {
  const output = join(OUT, 'pages.json')
  rmSync(output, { force: true })
  const r = spawnSync(bin('jest'), ['--config', join(BENCH, 'jest.config.js'), '--silent', '--runInBand'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NODE_ENV: 'test', WEAUTH_BENCH_PAGES: JSON.stringify({ apps, output, launches }) },
  })
  if (r.status !== 0) throw new Error(`the page measurements failed (jest exit ${r.status}):\n${r.stdout}${r.stderr}`)
  return JSON.parse(readFileSync(output, 'utf8'))
}
