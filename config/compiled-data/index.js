// Sends a compiled template's nodes with only the fields the template reads (see template-fields.js): the
// authorization page's first render 980 -> 580 B of setData, the user center's 1,116 -> 589 B (bench/RESULTS.md).
//   template-fields.js  which fields each generated template reads
//   fields-loader.js    registers them from each compiled source file
//   src/render/compiled-template-data.ts  the runtime: drops the others when Taro serialises a compiled tree
const { dirname, join } = require('node:path')

/** @param chain the weapp webpack chain (Taro's mini.webpackChain), with experimental.compileMode on */
function sendReadFieldsOnly(chain) {
  const script = chain.module.rule('script')
  if (!script.uses.has('compilerLoader')) {
    throw new Error("compiled-data: Taro's compile-mode loader (script rule, compilerLoader) is not in the weapp build")
  }
  // the runtime of the sources being built (src/, or a copy of it a bench variant builds): the one app.ts imports
  const [appEntry] = chain.entry('app').values()
  if (typeof appEntry !== 'string') throw new Error('compiled-data: no app entry in the webpack config')
  // a loader listed before another runs after it: this one reads what the compile-mode loader left on the module
  script
    .use('weauthCompiledFields')
    .before('compilerLoader')
    .loader(require.resolve('./fields-loader'))
    .options({ runtimeModule: join(dirname(appEntry), 'render', 'compiled-template-data') })
}

module.exports = { sendReadFieldsOnly }
