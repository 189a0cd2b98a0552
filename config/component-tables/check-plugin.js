// After the build: every component Taro compiled templates for (its componentConfig.includes, filled while it
// walks the app's imports of @tarojs/components) must be one whose table ./prune-loader.js kept.
const { componentConfig } = require('@tarojs/webpack5-runner/dist/utils/component')
const { toDashed } = require('@tarojs/shared')

class CheckKeptComponents {
  constructor(keep) {
    this.keep = new Set([...keep].map((name) => toDashed(name)))
  }

  apply(compiler) {
    compiler.hooks.afterCompile.tap('WeAuthCheckKeptComponents', (compilation) => {
      if (componentConfig.includeAll) {
        compilation.errors.push(
          new Error(
            'component-tables: Taro includes every component (a namespace import of @tarojs/components?) but tables were pruned',
          ),
        )
        return
      }
      // the Static*/Pure*/Catch*/Click* variants of view/image/text use those tables
      const missing = [...componentConfig.includes]
        .map((name) => name.replace(/^(static|pure|catch|click)-/, ''))
        .filter((name) => !this.keep.has(name))
      if (missing.length)
        compilation.errors.push(
          new Error(
            `component-tables: the app renders ${missing.join(', ')}, whose tables were pruned; config/component-tables/used-components.js missed them`,
          ),
        )
    })
  }
}

module.exports = { CheckKeptComponents }
