// Runs `taro build --type weapp` in production mode for the project at the repository root, with the project's
// own config/index.ts, changed in memory only by one of the variants in variants.mjs (another source or
// output folder, a minifier setting...). Taro reads its config from <cwd>/config/index: rather than a second
// config file per variant, Config#init is wrapped so the root config loads as usual and the variant edits the
// result. Everything else (babel.config.js, tsconfig paths, .env files, module ids) is exactly the root's.
//
//   node bench/lib/taro-build.mjs --variant <name> --output <dir> [--module-map <file>]
import { createRequire } from 'node:module'
import { parseArgs } from 'node:util'
import { relative } from 'node:path'
import { ROOT } from './paths.mjs'
import { VARIANTS } from './variants.mjs'

const require = createRequire(import.meta.url)
const { values } = parseArgs({
  options: { variant: { type: 'string' }, output: { type: 'string' }, 'module-map': { type: 'string' } },
})
const variant = VARIANTS[values.variant ?? 'baseline']
if (!variant) throw new Error(`unknown variant ${values.variant}; known: ${Object.keys(VARIANTS).join(', ')}`)
if (!values.output) throw new Error('--output <dir> is required')

process.chdir(ROOT)
process.env.NODE_ENV = 'production'
variant.prepare?.()

const { Config } = require('@tarojs/service')
const { ModuleMapPlugin } = require('./module-map-plugin.cjs')
const init = Config.prototype.init
Config.prototype.init = async function (configEnv) {
  await init.call(this, configEnv)
  const config = variant.apply(this.initialConfig)
  config.outputRoot = relative(ROOT, values.output)
  if (values['module-map']) {
    const file = values['module-map']
    const own = config.mini?.webpackChain
    config.mini = {
      ...config.mini,
      webpackChain(chain, ...rest) {
        own?.call(this, chain, ...rest)
        chain.plugin('weauth-bench-module-map').use(ModuleMapPlugin, [file])
      },
    }
  }
  this.initialConfig = config
}

// the same entry as node_modules/.bin/taro, with the arguments of `taro build --type weapp`
process.argv = [process.argv[0], 'taro', 'build', '--type', 'weapp']
const CLI = require('@tarojs/cli/dist/cli').default
await new CLI(ROOT).run()
