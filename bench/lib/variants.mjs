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
  if (!SUBPACKAGE_PAGES.every((p) => pages.includes(p))) throw new Error('src/app.config.ts: no user/scopes pages in `pages`; update the subpackages variant in bench/lib/variants.mjs')
  const main = pages.filter((p) => !SUBPACKAGE_PAGES.includes(p)).map((p) => `'${p}'`)
  const subPackages = SUBPACKAGE_PAGES.map((p) => `{ root: '${p.replace(/\/index$/, '')}', pages: ['index'] }`)
  writeFileSync(file, source.replace(list[0], `pages: [${main.join(', ')}],\n  subPackages: [${subPackages.join(', ')}],`))
}

// Taro's own terser options (webpack5-runner MiniBaseConfig) turn most compress passes off; these turn the
// size-relevant ones back on, still with ES5 output
const AGGRESSIVE_TERSER = {
  enable: true,
  config: { compress: { reduce_vars: true, reduce_funcs: true, collapse_vars: true, inline: 2, hoist_props: true, passes: 2 } },
}

// top level, as Taro types it (mini.terser is read too, but not typed)
const withTerser = (config) => ({ ...config, terser: AGGRESSIVE_TERSER })
const withoutInnerHTML = (config) => mini(config, { runtime: { ...config.mini?.runtime, enableInnerHTML: false } })
// Preact's diff calls parentNode.contains(), which Taro's DOM only has with runtime.enableContains
const withPreact = (config) => ({ ...mini(config, { runtime: { ...config.mini?.runtime, enableContains: true } }), framework: 'preact' })
const withSubpackages = (config) => ({ ...config, sourceRoot: 'bench/out/src-subpackages' })

/**
 * `group`: 'project' (the builds compared side by side), 'after' (the settings proposed for config/index.ts,
 * built together) or 'trial' (one setting each; `finding` says what it did, as measured when it was tried).
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
  after: {
    group: 'after',
    label: 'after: preact + no innerHTML + terser passes',
    finding: 'proposed for config/index.ts (weapp only); npm test passes with it (259/259, 2026-11-27, with the privacy sheet listening from a layout effect)',
    apply: (config) => withTerser(withoutInnerHTML(withPreact(config))),
  },
  'after-subpackages': {
    group: 'after',
    label: 'after + user/scopes subpackages',
    finding: 'the proposed settings plus the optional subpackages (src/app.config.ts)',
    prepare: prepareSubpackages,
    apply: (config) => withSubpackages(withTerser(withoutInnerHTML(withPreact(config)))),
  },
  preact: {
    group: 'trial',
    label: "framework: 'preact'",
    // preact is pinned below 10.24: from 10.24 preact/compat reports React 18 and Taro 4.1's mini runtime then
    // calls ReactDOM.createRoot, which preact/compat lacks (NervJS/taro#16690, #17641)
    finding: "kept: Preact (preact/compat) renders on Taro's DOM instead of React's reconciler; the app uses hooks only. Needs preact 10.23.x (10.24+ breaks Taro 4.1's mini runtime) and runtime.enableContains (Preact's diff calls node.contains)",
    apply: withPreact,
  },
  'no-inner-html': {
    group: 'trial',
    label: 'mini.runtime.enableInnerHTML: false',
    finding: "kept: drops Taro's HTML parser; nothing in src/ sets innerHTML or dangerouslySetInnerHTML",
    apply: withoutInnerHTML,
  },
  'terser-passes': {
    group: 'trial',
    label: 'terser: reduce_vars, inline, collapse_vars, 2 passes',
    finding: "kept: Taro's default terser options turn these compress steps off; the output stays ES5",
    apply: withTerser,
  },
  subpackages: {
    group: 'trial',
    label: 'user + scopes pages as subpackages',
    finding: 'optional (src/app.config.ts): moves their code out of the main package, at the cost of a download the first time the user center opens',
    prepare: prepareSubpackages,
    apply: withSubpackages,
  },
  'base-level-8': {
    group: 'trial',
    label: 'baseLevel: 8 (default 16)',
    finding: 'not kept: base.wxml shrinks raw but it compresses well (gzip about the same), and deeper trees then nest through the comp component',
    apply: (config) => ({ ...config, baseLevel: 8 }),
  },
  'esbuild-minify': {
    group: 'trial',
    label: 'jsMinimizer: esbuild (es2017)',
    finding: "not kept: esbuild's minifier leaves more than terser does",
    apply: (config) => ({ ...config, jsMinimizer: 'esbuild', esbuild: { minify: { enable: true, config: { target: 'es2017' } } } }),
  },
  prebundle: {
    group: 'trial',
    label: 'compiler.prebundle: on',
    finding: 'no effect: Taro turns prebundling off for production (it grows bundles); forced on, it fails here (enhanced-resolve `roots`) and Taro skips it',
    apply: (config) => ({ ...config, compiler: { type: 'webpack5', prebundle: { enable: true } } }),
  },
}
