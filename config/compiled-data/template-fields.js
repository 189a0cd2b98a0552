// Reads the WXML templates Taro's compile mode generates and says which fields of the node data each one reads.
//
// A compiled template (`<template name="tmpl_0_f1t1">`) receives its root's data as `i` and addresses everything
// by position: `{{i.cn[1].cn[0].p2}}` (an attribute), `data-sid="{{i.cn[1].cn[0].sid}}"` (an element with an event
// handler), `{{i.cn[0].cn[1].cn[0].v}}` (a text), `{{i.cn[2].compileIf}}` (a condition), and
// `<template is="{{xs.a(c, i.cn[3].nn, l)}}" data="{{i:i.cn[3],...}}"/>` (a slot: a component or expression the
// build could not see into, rendered by its own template from the whole node). Taro's runtime still sends every
// element's name, id and children (`nn`, `sid`, `cn`) whether the template reads them or not; the result of
// `templateFields` lets the app send only what is read (src/render/compiled-template-data.ts).
//
// The reader knows the expressions Taro 4.1's compile mode writes for a weapp; a template with anything else
// fails the build with the expression named (better than a page that renders without a field it needs).
// Templates with loops (`wx:for`) address their items through the loop variable: they are kept whole.

/** `i`, then `.cn[n]` steps, then an optional field; `i:` is the name of a template data binding, not a reference */
const REFERENCE = /(?<![\w.$])i(?![\w$:])((?:\.cn\[\d+\])*)(?:\.([A-Za-z_$][\w$]*))?/g
/**
 * what may remain of an expression once its references are taken out: Taro's helpers (utils.wxs), the names of a
 * slot's data bindings (`i:`, `c:`, `l:`), the level (`c`) and path (`l`) variables, literals
 */
const KNOWN_REST = /^(?:xs\.[abf]\(|[icl](?![\w$])|\d+|'[^']*'|!|[(),:+\s])*$/
const TEMPLATE = /<template name="tmpl_\d+_(\w+)">([\s\S]*?)<\/template>/g
const EXPRESSION = /\{\{([\s\S]*?)\}\}/g

/**
 * @param {string} wxml the templates Taro's compile mode generated for one source file
 * @param {string} where the source file, for error messages
 * @returns {Record<string, Fields>} template name (the `nn` of its root, e.g. `f1t1`) -> the fields it reads,
 *   as a tree: `{ f: [field, ...], c: { [child index]: Fields } }`, or `{ all: 1 }` where the whole node is read
 */
function templateFields(wxml, where) {
  const result = {}
  for (const [, name, body] of wxml.matchAll(TEMPLATE)) {
    if (/\swx:for\b/.test(body)) {
      result[name] = { all: 1 }
      continue
    }
    const root = {}
    for (const [, expression] of body.matchAll(EXPRESSION)) {
      const rest = expression.replace(REFERENCE, (_, steps, field) => {
        read(root, steps, field)
        return ''
      })
      if (!KNOWN_REST.test(rest)) {
        throw new Error(
          `compiled-data: ${where}: template tmpl_0_${name} has an expression this build does not know: {{${expression}}}. ` +
            'Teach config/compiled-data/template-fields.js what it reads, or the page would miss data it needs.',
        )
      }
    }
    result[name] = root
  }
  return result
}

/** records that the template reads `field` of the node at `steps` (the whole node when there is no field) */
function read(root, steps, field) {
  let node = root
  for (const [, index] of steps.matchAll(/\[(\d+)\]/g)) {
    if (node.all) return
    node.c ??= {}
    node = node.c[index] ??= {}
  }
  if (node.all) return
  // a template reading a node's children array as a whole (a loop's `wx:for="{{i.cn}}"`) reads all of them
  if (field === undefined || field === 'cn') {
    for (const key of Object.keys(node)) delete node[key]
    node.all = 1
    return
  }
  node.f ??= []
  if (!node.f.includes(field)) node.f.push(field)
}

module.exports = { templateFields }
