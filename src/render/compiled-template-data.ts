import { hooks } from '@tarojs/runtime'

/**
 * Which fields of a compiled tree's node data its WXML template reads, by child position; `all` where a whole
 * node is read (a slot: a component or an expression the build rendered with its own template).
 * Worked out at build time from the generated templates (config/compiled-data/template-fields.js).
 */
export interface TemplateFields {
  f?: string[]
  c?: Record<string, TemplateFields>
  all?: 1
}

type NodeData = Record<string, unknown> & { cn?: NodeData[] }

const templates: Record<string, TemplateFields | undefined> = {}

/** Called by each compiled source file when it loads (the build appends the call: config/compiled-data). */
export function registerTemplateFields(fields: Record<string, TemplateFields>): void {
  Object.assign(templates, fields)
}

// written without ?? and ?. : this module ships in the main package, and the ES5 output of those is long
/** the node data a template reads: the fields it names, and the children on its paths; `{}` holds a place */
function readFields(data: NodeData, fields: TemplateFields): NodeData {
  if (fields.all) return data
  const kept: NodeData = {}
  for (const name of fields.f || []) if (name in data) kept[name] = data[name]
  if (fields.c) kept.cn = readChildren(data.cn || [], fields.c)
  return kept
}

function readChildren(children: NodeData[], fields: Record<string, TemplateFields>): NodeData[] {
  return children.map((child, i) => (fields[i] ? readFields(child, fields[i]) : {}))
}

// Taro serialises every element of a compiled tree with its name, id and children (`nn`, `sid`, `cn`), although
// the compiled template lays the elements out itself and reads only the dynamic values by position. When it
// serialises the root of a compiled tree (its children are done by then), this keeps of them only what the
// template reads, so setData carries the values alone. The root's own fields stay: the page's template picks the
// compiled template by its `nn`. A later update of a single value goes to its path as before (a `{}` holds the
// place of each child nothing reads); a compiled root serialised again (a page switching states) is cut the same
// way, an element inside one serialised on its own is sent whole, as before. modifyHydrateData is Taro's hook
// for changing serialised node data (@tarojs/runtime hydrate()), unused by the weapp platform. H5 has no compile
// mode and never serialises.
if (process.env.TARO_ENV !== 'h5') {
  hooks.tap('modifyHydrateData', (data: NodeData, node: { props: Record<string, unknown> }) => {
    const fields = templates[node.props.compileMode as string]
    if (fields && !fields.all && data.cn) data.cn = fields.c ? readChildren(data.cn, fields.c) : []
  })
}
