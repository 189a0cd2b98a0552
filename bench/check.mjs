// `npm run bench:check`: the main package against bench/budget.json, quickly. Reuses dist/ when it is newer
// than everything it is built from (src/, config/, package.json, babel.config.js), else builds it as
// `npm test` does (taro build --type weapp, production); `--build` always builds. Exit 1 over budget.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { DIST, ROOT, bin } from './lib/paths.mjs'
import { measurePackage } from './lib/package-size.mjs'
import { checkBudget, readBudget } from './lib/budget.mjs'
import { kb, textTable } from './lib/format.mjs'

function newest(path) {
  if (!existsSync(path)) return 0
  const st = statSync(path)
  if (!st.isDirectory()) return st.mtimeMs
  return Math.max(st.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))))
}

const inputs = ['src', 'config', 'package.json', 'babel.config.js'].map((p) => join(ROOT, p))
const builtAt = existsSync(join(DIST, 'app.json')) ? statSync(join(DIST, 'app.json')).mtimeMs : 0
const stale = builtAt < Math.max(...inputs.map(newest))
if (process.argv.includes('--build') || stale) {
  console.log(
    builtAt
      ? 'dist/ is older than its sources: building it (taro build --type weapp, production)'
      : 'no dist/: building it (taro build --type weapp, production)',
  )
  const r = spawnSync(bin('taro'), ['build', '--type', 'weapp'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NODE_ENV: 'production' },
  })
  if (r.status !== 0) {
    console.error('bench:check: the weapp build failed')
    process.exit(1)
  }
} else {
  console.log(`reusing dist/ (built ${new Date(builtAt).toISOString()}, newer than src/ and config/)`)
}

const { main, subpackages } = measurePackage(DIST)
const budget = readBudget()
const result = checkBudget(main, budget)
const rows = [
  [
    'main package',
    kb(main.raw),
    kb(main.gzip),
    kb(budget.mainPackage.rawBytes),
    kb(budget.mainPackage.gzipBytes),
    `${main.files} files`,
  ],
  ['  of which .wxss', kb(main.styles.raw), kb(main.styles.gzip), '', '', ''],
  ...Object.entries(subpackages).map(([root, p]) => [
    `subpackage ${root}`,
    kb(p.raw),
    kb(p.gzip),
    '',
    '',
    `${p.files} files`,
  ]),
]
console.log(textTable(['', 'raw', 'gzip', 'budget raw', 'budget gzip', ''], rows))
if (!result.ok) {
  console.error(
    `\nbench:check FAILED: the main package is over budget (bench/budget.json): ${result.problems.join('; ')}`,
  )
  process.exit(1)
}
console.log(
  `\nbench:check ok: the main package is within budget (${((100 * main.raw) / budget.mainPackage.rawBytes).toFixed(0)}% raw, ${((100 * main.gzip) / budget.mainPackage.gzipBytes).toFixed(0)}% gzip)`,
)
