// A read-only webpack plugin: after the build, writes which source files each emitted module id holds, so
// that package-size.mjs can tell app code from the Taro/React runtime inside one output file (app.js carries
// the React reconciler next to the app entry). It changes nothing in the output.
const { writeFileSync, mkdirSync } = require('node:fs')
const { dirname } = require('node:path')

class ModuleMapPlugin {
  constructor(file) {
    this.file = file
  }

  apply(compiler) {
    compiler.hooks.afterEmit.tap('WeAuthBenchModuleMap', (compilation) => {
      const { chunkGraph } = compilation
      const modules = {}
      for (const module of compilation.modules) {
        const id = chunkGraph.getModuleId(module)
        if (id === null || id === undefined) continue
        // a concatenated module (scope hoisting) holds several source files under one id: its root first
        const inner = module.rootModule
          ? [module.rootModule, ...[...module.modules].filter((m) => m !== module.rootModule)]
          : [module]
        modules[id] = inner.map((m) => m.resource || m.identifier()).filter(Boolean)
      }
      mkdirSync(dirname(this.file), { recursive: true })
      writeFileSync(this.file, JSON.stringify({ context: compiler.context, modules }, null, 1))
    })
  }
}

module.exports = { ModuleMapPlugin }
