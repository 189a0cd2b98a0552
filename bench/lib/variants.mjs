// Build variants: the project's Taro config (config/index.ts, production) as it is, and changed one way each,
// to see what each setting does to the main package. `apply` gets the loaded config and returns the one to
// build (taro-build.mjs sets the output folder); `prepare` makes what the variant needs before the build.
import { cpSync, readFileSync, writeFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT, OUT } from './paths.mjs'

const mini = (config, extra) => ({ ...config, mini: { ...config.mini, ...extra } })

// the user center and the scope center in subpackages: the same page paths (root = their folder), so no
// navigation URL changes; src/ is copied so that the variant can say so in its own app.config.ts
const SUBPACKAGE_SRC = join(OUT, 'src-subpackages')
const SUBPACKAGE_PAGES = ['pages/user/index', 'pages/scopes/index']
function prepareSubpackages() {
  rmSync(SUBPACKAGE_SRC, { recursive: true, force: true })
  cpSync(join(ROOT, 'src'), SUBPACKAGE_SRC, { recursive: true })
  const file = join(SUBPACKAGE_SRC, 'app.config.ts')
  const source = readFileSync(file, 'utf8')
  const list = /pages:\s*\[([^\]]*)\],/.exec(source)
  const pages = list ? [...list[1].matchAll(/'([^']+)'/g)].map((m) => m[1]) : []
  if (!SUBPACKAGE_PAGES.every((p) => pages.includes(p)))
    throw new Error(
      'src/app.config.ts: no user/scopes pages in `pages`; update the subpackages variant in bench/lib/variants.mjs',
    )
  const main = pages.filter((p) => !SUBPACKAGE_PAGES.includes(p)).map((p) => `'${p}'`)
  const subPackages = SUBPACKAGE_PAGES.map((p) => `{ root: '${p.replace(/\/index$/, '')}', pages: ['index'] }`)
  writeFileSync(
    file,
    source.replace(list[0], `pages: [${main.join(', ')}],\n  subPackages: [${subPackages.join(', ')}],`),
  )
}

const withSubpackages = (config) => ({ ...config, sourceRoot: 'bench/out/src-subpackages' })
// the reverse of each kept setting: config/index.ts has them since the size cut, so a trial takes one away
const withReact = (config) => ({
  ...mini(config, { runtime: { ...config.mini?.runtime, enableContains: false } }),
  framework: 'react',
})
const withInnerHTML = (config) => mini(config, { runtime: { ...config.mini?.runtime, enableInnerHTML: true } })
const withTaroTerser = (config) => ({ ...config, terser: undefined })
/** the config as it was before the size cut: React, Taro's default runtime and terser options */
const beforeSizeCut = (config) => withTaroTerser(withInnerHTML(withReact(config)))

/**
 * `group`: 'project' (the builds compared side by side), 'before' (the config before the size cut, to keep the
 * before/after in every run) or 'trial' (one setting changed each; `finding` says what was decided).
 */
export const VARIANTS = {
  baseline: {
    group: 'project',
    label: 'WeAuth (config as is)',
    apply: (config) => config,
  },
  'taro-hello': {
    group: 'project',
    label: 'Taro hello world (same config)',
    // one page, built with everything else of the project's config
    apply: (config) => ({ ...config, sourceRoot: 'bench/fixtures/taro-hello/src' }),
  },
  before: {
    group: 'before',
    label: 'before: React, Taro default runtime and terser',
    finding:
      'config/index.ts until the size cut (2026-11-27); the project now builds weapp with Preact, enableInnerHTML off and more terser passes',
    apply: beforeSizeCut,
  },
  react: {
    group: 'trial',
    label: "without Preact: framework 'react'",
    // preact is pinned below 10.24: from 10.24 preact/compat reports React 18 and Taro 4.1's mini runtime then
    // calls ReactDOM.createRoot, which preact/compat lacks (NervJS/taro#16690, #17641)
    finding:
      "kept Preact: preact/compat renders on Taro's DOM instead of React's reconciler; the app uses hooks only. Needs preact 10.23.x (10.24+ breaks Taro 4.1's mini runtime) and runtime.enableContains (Preact's diff calls node.contains)",
    apply: withReact,
  },
  'inner-html': {
    group: 'trial',
    label: 'mini.runtime.enableInnerHTML: true (Taro default)',
    finding: "kept off: drops Taro's HTML parser; nothing in src/ sets innerHTML or dangerouslySetInnerHTML",
    apply: withInnerHTML,
  },
  'taro-terser': {
    group: 'trial',
    label: "Taro's default terser options",
    finding: "kept the extra passes: Taro's defaults turn reduce_vars, inline, collapse_vars off; the output stays ES5",
    apply: withTaroTerser,
  },
  subpackages: {
    group: 'trial',
    label: 'user + scopes pages as subpackages',
    finding:
      'not applied, optional (src/app.config.ts): moves their code out of the main package, at the cost of a download the first time the user center opens',
    prepare: prepareSubpackages,
    apply: withSubpackages,
  },
  'base-level-8': {
    group: 'trial',
    label: 'baseLevel: 8 (default 16)',
    finding:
      'not kept: base.wxml shrinks raw but it compresses well (gzip about the same), and deeper trees then nest through the comp component',
    apply: (config) => ({ ...config, baseLevel: 8 }),
  },
  'esbuild-minify': {
    group: 'trial',
    label: 'jsMinimizer: esbuild (es2017)',
    finding: "not kept: esbuild's minifier leaves more than terser does",
    apply: (config) => ({
      ...config,
      jsMinimizer: 'esbuild',
      esbuild: { minify: { enable: true, config: { target: 'es2017' } } },
    }),
  },
  prebundle: {
    group: 'trial',
    label: 'compiler.prebundle: on',
    finding:
      'no effect: Taro turns prebundling off for production (it grows bundles); forced on, it fails here (enhanced-resolve `roots`) and Taro skips it',
    apply: (config) => ({ ...config, compiler: { type: 'webpack5', prebundle: { enable: true } } }),
  },
}
