// webpack loader, run on a source file right after Taro's compile-mode loader (config/compiled-data/index.js puts
// it there): that loader has attached the file's generated templates to the module (its XMLDependency, which Taro's
// MiniCompileModePlugin writes out as <page>-templates.wxml). This one reads which node fields each template uses
// (template-fields.js) and appends their registration to the module, so the runtime knows them before the first
// render (src/render/compiled-template-data.ts).
const { templateFields } = require('./template-fields')

module.exports = function compiledDataFieldsLoader(source) {
  const { runtimeModule } = this.getOptions()
  const templates = (this._module?.dependencies ?? [])
    .filter((d) => d.constructor?.name === 'XMLDependency' && typeof d.content === 'string')
    .map((d) => d.content)
  if (templates.length === 0) return source
  const fields = templateFields(templates.join('\n'), this.resourcePath)
  if (Object.keys(fields).length === 0) return source
  return `${source}
import { registerTemplateFields as __registerTemplateFields } from ${JSON.stringify(runtimeModule)};
__registerTemplateFields(${JSON.stringify(fields)});
`
}
