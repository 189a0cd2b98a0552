// Build variants: the project's Taro config (config/index.ts, production) as it is, and changed one way each,
// to see what each setting does to the main package. `apply` gets the loaded config and returns the one to
// build (taro-build.mjs sets the output folder); `prepare` makes what the variant needs before the build.
import { cpSync, readFileSync, writeFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from './paths.mjs'

const mini = (config, extra) => ({ ...config, mini: { ...config.mini, ...extra } })

// every page in the main package, as before the subpackages: src/ is copied and its app.config.ts turns the
// subpackages back into main-package pages (same paths, no preload rules)
// at the depth of src/ so that its relative imports (../../packages/contract) still resolve
const FLAT_SRC = join(ROOT, '.bench-src-flat')
function prepareFlat() {
  rmSync(FLAT_SRC, { recursive: true, force: true })
  cpSync(join(ROOT, 'src'), FLAT_SRC, { recursive: true })
  const file = join(FLAT_SRC, 'app.config.ts')
  const source = readFileSync(file, 'utf8')
  if (!source.includes('export default defineAppConfig(') || !source.includes('subPackages'))
    throw new Error('src/app.config.ts: no subPackages; update the flat variant in bench/lib/variants.mjs')
  writeFileSync(
    file,
    `${source.replace('export default defineAppConfig(', 'const projectConfig = (')}
// bench/lib/variants.mjs: every page in the main package
export default defineAppConfig({
  ...projectConfig,
  pages: [...projectConfig.pages, ...(projectConfig.subPackages ?? []).flatMap((s) => s.pages.map((p) => \`\${s.root}/\${p}\`))],
  subPackages: undefined,
  preloadRule: undefined,
})
`,
  )
}
const withFlatPages = (config) => ({ ...config, sourceRoot: '.bench-src-flat' })
// config/index.ts reads this switch (the component tables' loader is on in production builds)
const keepComponentTables = () => {
  process.env.WEAUTH_KEEP_COMPONENT_TABLES = '1'
}

// the reverse of each kept setting: config/index.ts has them since the size cut, so a trial takes one away
const withReact = (config) => ({
  ...mini(config, { runtime: { ...config.mini?.runtime, enableContains: false } }),
  framework: 'react',
})
const withInnerHTML = (config) => mini(config, { runtime: { ...config.mini?.runtime, enableInnerHTML: true } })
const withTaroTerser = (config) => ({ ...config, terser: undefined })

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
    label: 'before: component tables kept, every page in the main package',
    finding:
      'the project until issue 18: the attribute tables of every Taro component in taro.js, and the user center, scope center, privacy policy and agreement in the main package',
    prepare: () => {
      keepComponentTables()
      prepareFlat()
    },
    apply: withFlatPages,
  },
  'component-tables': {
    group: 'trial',
    label: 'component tables kept (no pruning loader)',
    finding:
      "pruned (config/component-tables/): the tables of components the app never renders are emptied, their keys kept; base.wxml is byte-identical (see 'base.wxml' below)",
    prepare: keepComponentTables,
    apply: (config) => config,
  },
  'no-subpackages': {
    group: 'trial',
    label: 'every page in the main package (no subpackages)',
    finding:
      'subpackages kept (src/app.config.ts): user center, scope center, privacy policy and agreement, each preloaded by the page that links to it',
    prepare: prepareFlat,
    apply: withFlatPages,
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
