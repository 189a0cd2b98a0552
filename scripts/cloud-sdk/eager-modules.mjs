// Compiles a bundle's modules when the file loads instead of when each runs: V8 compiles a function lazily, so
// loading a script pre-parses every function in it and each one is parsed again, fully, when first called. A
// function expression right after "(" is taken as one about to be called and compiled with the script (V8's
// heuristic for immediately invoked functions, https://v8.dev/blog/preparser#pife), which spares the pre-parse.
// A module of a function's bundle is such a function: esbuild wraps each CommonJS module in a factory,
// `__commonJS((exports, module) => { ... })`, called when the module is first required, and nearly all of them are
// required at cold start. Each factory becomes `__commonJS((function (exports, module) { ... }))`: the same call
// with a plain function, which the heuristic applies to (it ignores arrow functions).
//
// This runs on esbuild's minified output, where the helper has a minified name: it is found by its shape, and a
// bundle that should hold factories but where none is found stops the build (esbuild's output changed).
import { readFileSync, writeFileSync } from 'node:fs'
import { Parser } from 'acorn'

/** esbuild's `__commonJS`: `(cb, mod) => () => (mod || cb((mod = { exports: {} }).exports, mod), mod.exports)` */
function isCommonJsHelper(init) {
  if (init?.type !== 'ArrowFunctionExpression' || init.params.length !== 2) return false
  const inner = init.body
  if (inner.type !== 'ArrowFunctionExpression' || inner.params.length !== 0) return false
  const seq = inner.body
  return (
    seq.type === 'SequenceExpression' &&
    seq.expressions.length === 2 &&
    seq.expressions[1].type === 'MemberExpression' &&
    seq.expressions[1].property.name === 'exports'
  )
}

const isFunctionScope = (node) =>
  node.type === 'FunctionExpression' || node.type === 'FunctionDeclaration' || node.type === 'MethodDefinition'

/** Whether an arrow function's body uses `this`, `arguments` or `new.target` of its own scope (a plain function's differ). */
function usesArrowScope(node) {
  if (!node || typeof node.type !== 'string') return false
  if (node.type === 'ThisExpression' || node.type === 'MetaProperty') return true
  if (node.type === 'Identifier' && node.name === 'arguments') return true
  if (isFunctionScope(node)) return false
  for (const key of Object.keys(node)) {
    const value = node[key]
    if (Array.isArray(value) ? value.some(usesArrowScope) : value && typeof value === 'object' && usesArrowScope(value))
      return true
  }
  return false
}

function* nodes(node) {
  if (!node || typeof node.type !== 'string') return
  yield node
  for (const key of Object.keys(node)) {
    const value = node[key]
    if (Array.isArray(value)) for (const v of value) yield* nodes(v)
    else if (value && typeof value === 'object') yield* nodes(value)
  }
}

/**
 * @param code a minified esbuild bundle (CommonJS output)
 * @param options.required true for a bundle that must hold module factories (a function's index.js): none found
 *   fails
 * @returns the code with each module factory eagerly compiled, and how many factories were rewritten
 */
export function eagerModules(code, { required, file }) {
  const ast = Parser.parse(code, { ecmaVersion: 'latest', sourceType: 'script', allowReturnOutsideFunction: true })
  const helpers = new Set()
  for (const node of ast.body)
    if (node.type === 'VariableDeclaration')
      for (const d of node.declarations) if (isCommonJsHelper(d.init)) helpers.add(d.id.name)
  const edits = []
  for (const node of nodes(ast)) {
    if (node.type !== 'CallExpression' || node.callee.type !== 'Identifier' || !helpers.has(node.callee.name)) continue
    const factory = node.arguments[0]
    if (
      node.arguments.length !== 1 ||
      factory.type !== 'ArrowFunctionExpression' ||
      factory.body.type !== 'BlockStatement'
    )
      continue
    if (usesArrowScope(factory.body)) continue
    const params = factory.params.map((p) => code.slice(p.start, p.end)).join(',')
    edits.push({ start: factory.start, end: factory.body.start, text: `(function(${params})` })
    edits.push({ start: factory.end, end: factory.end, text: ')' })
  }
  if (required && edits.length === 0) {
    throw new Error(
      `cloud-function build: no esbuild module factory found in ${file}; esbuild's output changed (scripts/cloud-sdk/eager-modules.mjs)`,
    )
  }
  let out = code
  for (const e of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end)
  return { code: out, factories: edits.length / 2 }
}

/** eagerModules() on a file written by esbuild, in place. */
export function eagerModulesInFile(file, options) {
  const { code, factories } = eagerModules(readFileSync(file, 'utf8'), { ...options, file })
  writeFileSync(file, code)
  return factories
}
