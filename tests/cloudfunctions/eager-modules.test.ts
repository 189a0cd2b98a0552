// scripts/cloud-sdk/eager-modules.mjs: the deploy build turns esbuild's module factories into plain function
// expressions that V8 compiles with the file; the bundle must behave exactly as before.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

const ROOT = join(__dirname, '..', '..')
const scriptUrl = JSON.stringify(`file://${join(ROOT, 'scripts', 'cloud-sdk', 'eager-modules.mjs')}`)

/** eagerModules() in a Node of its own (the build scripts are ES modules): its result, or the error's message. */
function eager(code: string, required: boolean): { code: string; factories: number } | { error: string } {
  const out = execFileSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import { eagerModules } from ${scriptUrl}
       import { readFileSync } from 'node:fs'
       const code = readFileSync(0, 'utf8')
       try { console.log(JSON.stringify(eagerModules(code, { required: ${required}, file: 'bundle.js' }))) }
       catch (e) { console.log(JSON.stringify({ error: e.message })) }`,
    ],
    { encoding: 'utf8', input: code, maxBuffer: 64 * 1024 * 1024 },
  )
  return JSON.parse(out)
}

/** Runs a CommonJS bundle's code and returns its module.exports. */
function run(code: string): unknown {
  const module = { exports: {} as unknown }
  new Function('module', 'exports', 'require', code)(module, module.exports, require)
  return module.exports
}

// the shape of esbuild's minified CommonJS output: the __commonJS helper, two modules, the entry
const BUNDLE = [
  'var c=(e,t)=>()=>(t||e((t={exports:{}}).exports,t),t.exports);',
  'var a=c((e,t)=>{"use strict";var n=0;t.exports={next:()=>++n}});',
  'var b=c(e=>{e.twice=x=>x*2});',
  'var d=c((e,t)=>{t.exports=arguments.length});',
  'module.exports={a:a().next()+a().next(),b:b().twice(21),d:d()};',
].join('\n')

describe('eager module factories', () => {
  test('each factory becomes a parenthesised plain function, and the bundle gives the same exports', () => {
    const result = eager(BUNDLE, true)
    if ('error' in result) throw new Error(result.error)
    expect(result.factories).toBe(2)
    expect(result.code).toContain('c((function(e,t){"use strict";var n=0;')
    expect(result.code).toContain('c((function(e){e.twice=x=>x*2}))')
    expect(run(result.code)).toEqual(run(BUNDLE))
  })

  test("a factory that reads its arrow's own arguments (or this) is left as it is", () => {
    const result = eager(BUNDLE, true)
    if ('error' in result) throw new Error(result.error)
    expect(result.code).toContain('var d=c((e,t)=>{t.exports=arguments.length});')
  })

  test('a function bundle without factories stops the build (esbuild changed its output)', () => {
    expect(eager('module.exports = 1', true)).toEqual({
      error: expect.stringMatching(/no esbuild module factory found in bundle\.js; esbuild's output changed/),
    })
    expect(eager('module.exports = 1', false)).toEqual({ code: 'module.exports = 1', factories: 0 })
  })

  test("the deployed login's factories are all plain functions", () => {
    const code = readFileSync(join(ROOT, 'dist-cloud', 'login', 'index.js'), 'utf8')
    const result = eager(code, false)
    if ('error' in result) throw new Error(result.error)
    // a second pass finds no arrow factory left: the build converted every one
    expect(result.factories).toBe(0)
    expect(code).toMatch(/\(\(function\([a-zA-Z_$]+,[a-zA-Z_$]+\)\{/)
  })
})
