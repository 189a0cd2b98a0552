// One project.config.json: the repository root's, which DevTools imports (miniprogramRoot "dist/",
// cloudfunctionRoot "cloudfunctions/"). Taro's weapp platform also writes a copy into the output folder with
// miniprogramRoot "./" and the same cloudfunctionRoot, which would point at a dist/cloudfunctions/ that does
// not exist if someone imported dist/ instead; the copy is removed once the output is written.
// (A CommonJS file: Taro loads build plugins with require.)
const fs = require('node:fs')
const path = require('node:path')

module.exports = (ctx) => {
  const remove = () => {
    if (process.env.TARO_ENV !== 'weapp') return
    fs.rmSync(path.join(ctx.paths.outputPath, 'project.config.json'), { force: true })
  }
  ctx.onBuildFinish(remove)
  ctx.onBuildComplete(remove)
}
