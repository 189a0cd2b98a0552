import path from 'node:path'
import { defineConfig, type UserConfigExport } from '@tarojs/cli'
import TsconfigPathsPlugin from 'tsconfig-paths-webpack-plugin'
import { pruneComponentTables } from './component-tables'
import { sendReadFieldsOnly } from './compiled-data'
import devConfig from './dev'
import prodConfig from './prod'

/** TARO_APP_AUTH_PROVIDER, checked at build time: a typo or a missing server URL fails the build, not the login. */
function authProvider(): 'cloud' | 'http' {
  const value = process.env.TARO_APP_AUTH_PROVIDER || 'cloud'
  if (value !== 'cloud' && value !== 'http')
    throw new Error(`TARO_APP_AUTH_PROVIDER must be cloud or http, not ${value}`)
  if (value === 'http' && !/^https?:\/\/[^/]+/.test(process.env.TARO_APP_AUTH_SERVER_URL ?? '')) {
    throw new Error(
      'TARO_APP_AUTH_PROVIDER=http needs TARO_APP_AUTH_SERVER_URL (your login server, e.g. https://api.example.com)',
    )
  }
  return value
}

interface AliasChain {
  get(key: string): string
  delete(key: string): unknown
  set(key: string, value: string): unknown
}

/**
 * In H5, Taro's wx-only APIs (login, cloud, privacy, open-type buttons...) do nothing; the playground
 * answers them with the emulator's simulated WeChat client. `import Taro from '@tarojs/taro'` resolves to
 * playground/taro-h5/taro-h5.ts, which re-exports Taro's H5 library with those APIs routed to the simulated
 * client (Taro's H5 babel transform turns `Taro.login()` into a named import, so the module, not the object,
 * is the seam). Platform plugins set their alias before this hook runs; the exact-match alias goes first.
 */
function routeWxApisToPlayground(chain: { resolve: { alias: AliasChain } }) {
  const alias = chain.resolve.alias
  const h5Library = alias.get('@tarojs/taro')
  alias.delete('@tarojs/taro')
  alias.set('@tarojs/taro$', path.join(__dirname, '..', 'playground', 'taro-h5', 'taro-h5.ts'))
  alias.set('@tarojs/taro', h5Library)
}

// Taro's babel loader only compiles sourceRoot (src/) unless told otherwise: the contract package is shared by
// every runtime, and the playground's H5 side of @tarojs/taro lives with the rest of the playground
const CONTRACT = path.join(__dirname, '..', 'packages', 'contract')
const PLAYGROUND_TARO_H5 = path.join(__dirname, '..', 'playground', 'taro-h5')

// https://docs.taro.zone/docs/config
export default defineConfig<'webpack5'>(async (merge) => {
  const outputRoot = process.env.TARO_ENV === 'h5' ? 'dist-h5' : process.env.WEAUTH_WEAPP_OUTPUT || 'dist'
  const baseConfig: UserConfigExport<'webpack5'> = {
    projectName: 'weauth',
    date: '2026-11-24',
    designWidth: 750,
    deviceRatio: { 640: 2.34 / 2, 750: 1, 375: 2, 828: 1.81 / 2 },
    sourceRoot: 'src',
    // WEAUTH_WEAPP_OUTPUT lets the tests build a second weapp (the http auth provider) next to dist/;
    // the H5 build (the browser playground, `npm run dev`) goes to its own folder so both can coexist
    outputRoot,
    // the repository root's project.config.json is the only one (config/plugins/one-project-config.js)
    plugins: [path.join(__dirname, 'plugins', 'one-project-config.js')],
    // TARO_APP_* values are only inlined when set; pin the cloud env so no `process` reference reaches the device
    defineConstants: {
      'process.env.TARO_APP_CLOUD_ENV': JSON.stringify(process.env.TARO_APP_CLOUD_ENV ?? ''),
      // the auth provider switch (src/config/auth.ts): cloud (default) or http (your own login server)
      'process.env.TARO_APP_AUTH_PROVIDER': JSON.stringify(authProvider()),
      'process.env.TARO_APP_AUTH_SERVER_URL': JSON.stringify(process.env.TARO_APP_AUTH_SERVER_URL ?? ''),
    },
    // sitemap.json (app.config.ts sitemapLocation): which pages WeChat search may index
    copy: {
      patterns:
        process.env.TARO_ENV === 'weapp' ? [{ from: 'src/sitemap.json', to: `${outputRoot}/sitemap.json` }] : [],
      options: {},
    },
    // weapp: Preact (preact/compat) renders instead of React's reconciler: the main package loses ~85 KB raw,
    // ~26 KB gzip (bench/RESULTS.md) and the app code keeps the React API. H5 (the playground) stays on React.
    // preact stays below 10.24: from 10.24 Taro 4.1's mini runtime calls ReactDOM.createRoot (NervJS/taro#16690)
    framework: process.env.TARO_ENV === 'weapp' ? 'preact' : 'react',
    compiler: 'webpack5',
    // weapp: Taro's default terser options turn most compress steps off; these save ~4 KB raw more (output
    // still ES5). H5 keeps Taro's defaults.
    terser:
      process.env.TARO_ENV === 'weapp'
        ? {
            enable: true,
            config: {
              compress: {
                reduce_vars: true,
                reduce_funcs: true,
                collapse_vars: true,
                inline: 2,
                hoist_props: true,
                passes: 2,
              },
            },
          }
        : undefined,
    cache: { enable: false },
    mini: {
      // nothing in src/ sets innerHTML: leave Taro's HTML parser out of the runtime (~10 KB raw); Preact's diff
      // calls node.contains(), which Taro's DOM has only with enableContains
      runtime: { enableInnerHTML: false, enableContains: true },
      // Taro's compile mode (半编译): an element marked `compileMode` becomes a WXML template of its own at build
      // time, so its first render sends only the dynamic values through setData, not the whole node tree.
      // Used on page roots and page-local components only (see each `compileMode` in src/pages/); each compiled
      // tree's nodes then travel with only the fields its template reads (config/compiled-data)
      // https://docs.taro.zone/docs/complier-mode
      experimental: { compileMode: true },
      compile: { include: [CONTRACT] },
      postcss: {
        pxtransform: { enable: true, config: {} },
        cssModules: {
          enable: false,
          config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' },
        },
      },
      webpackChain(chain) {
        chain.resolve.plugin('tsconfig-paths').use(TsconfigPathsPlugin)
        sendReadFieldsOnly(chain)
        // production: the attribute tables of components the app never renders leave taro.js (~5 KB gzip)
        if (process.env.NODE_ENV === 'production' && process.env.WEAUTH_KEEP_COMPONENT_TABLES !== '1')
          pruneComponentTables(chain)
      },
    },
    // H5 exists for the playground (docs/playground.md): served under /app/ inside its phone frame, with
    // hash routing so any page reloads from the one index.html
    h5: {
      publicPath: '/app/',
      compile: { include: [CONTRACT, PLAYGROUND_TARO_H5] },
      router: { mode: 'hash' },
      staticDirectory: 'static',
      output: { filename: 'js/[name].[contenthash:8].js', chunkFilename: 'js/[name].[chunkhash:8].js' },
      miniCssExtractPluginOption: {
        ignoreOrder: true,
        filename: 'css/[name].[contenthash].css',
        chunkFilename: 'css/[name].[chunkhash].css',
      },
      postcss: { autoprefixer: { enable: true, config: {} }, cssModules: { enable: false } },
      webpackChain(chain) {
        chain.resolve.plugin('tsconfig-paths').use(TsconfigPathsPlugin)
        routeWxApisToPlayground(chain)
        // the playground loads from localhost: webpack's size hints for the public web are noise here
        chain.performance.hints(false)
      },
    },
  }
  if (process.env.NODE_ENV === 'development') return merge({}, baseConfig, devConfig)
  return merge({}, baseConfig, prodConfig)
})
