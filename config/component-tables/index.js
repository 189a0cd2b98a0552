// Prunes the attribute tables of the Taro components the app never renders from the weapp bundle (taro.js):
// ~15 KB raw / 5 KB gzip of the main package (bench/RESULTS.md, trial "component tables kept").
//   used-components.js  which components the sources render
//   prune-loader.js     empties the others' tables, keeping their keys
//   check-plugin.js     fails the build if Taro compiled a component whose table went
const { dirname } = require('node:path')
const { usedComponents } = require('./used-components')
const { CheckKeptComponents } = require('./check-plugin')

const TABLES = [
  { file: /[\\/]@tarojs[\\/]shared[\\/]dist[\\/]components\.js$/, tableName: 'internalComponents' },
  { file: /[\\/]@tarojs[\\/]plugin-platform-weapp[\\/]dist[\\/]runtime\.js$/, tableName: 'components' },
]

/** @param chain the weapp webpack chain (Taro's mini.webpackChain); the sources are the app entry's folder */
function pruneComponentTables(chain) {
  const [appEntry] = chain.entry('app').values()
  if (typeof appEntry !== 'string') throw new Error('component-tables: no app entry in the webpack config')
  const keep = usedComponents([dirname(appEntry)])
  if (!keep) return // the whole of @tarojs/components is imported somewhere: keep every table
  for (const [i, { file, tableName }] of TABLES.entries()) {
    chain.module
      .rule(`weauth-component-tables-${i}`)
      .test(file)
      .use('prune')
      .loader(require.resolve('./prune-loader'))
      .options({ keep: [...keep], tableName })
  }
  chain.plugin('weauth-check-kept-components').use(CheckKeptComponents, [keep])
}

module.exports = { pruneComponentTables }
