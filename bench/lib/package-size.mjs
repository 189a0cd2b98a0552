// Measures a built mini program folder the way its upload is weighed: every file of the main package (and of
// each subpackage), raw bytes and gzip -9 bytes per file, split into three parts:
// - app code: the app's own modules, page/app JSON configs (for a native app: all its JS, WXML and JSON);
// - runtime: what Taro and React bring (taro.js, vendors.js, runtime.js, comp.*, custom-wrapper.*, base.wxml,
//   utils.wxs, the generated page WXML stubs, and the node_modules modules inside app.js/common.js, where
//   the React reconciler lives), found module by module with the id -> source map of module-map-plugin.cjs;
// - styles: every .wxss.
// Gzip of a part inside one file is the file's gzip share in proportion to the part's raw bytes.
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { join, relative, sep } from 'node:path'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const acorn = require('acorn')

/** webpack's license extracts, DevTools' project settings, a fixture's README: not mini program code */
const NOT_SHIPPED = [/\.LICENSE\.txt$/, /^project(\.private)?\.config\.json$/, /\.map$/, /(^|\/)README\.md$/]
const TARO_RUNTIME_FILES =
  /^(taro\.js|vendors\.js|runtime\.js|base\.wxml|utils\.wxs|(comp|custom-wrapper)\.(js|json|wxml))$/

function listFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name)
    return statSync(full).isDirectory() ? listFiles(full) : [full]
  })
}

const gzip = (buf) => gzipSync(buf, { level: 9 }).length
const part = () => ({ raw: 0, gzip: 0 })
const add = (into, raw, gz) => {
  into.raw += raw
  into.gzip += gz
}

/** Byte ranges of each module in a webpack JSONP chunk: `(wx.webpackJsonp=...).push([[ids],{id:function(){...},...}])`. */
function moduleRanges(text) {
  const ranges = []
  const ast = acorn.parse(text, { ecmaVersion: 'latest', sourceType: 'script' })
  const visit = (node) => {
    if (!node || typeof node.type !== 'string') return
    if (
      node.type === 'CallExpression' &&
      node.callee.type === 'MemberExpression' &&
      node.callee.property.name === 'push'
    ) {
      const [arg] = node.arguments
      const modules = arg?.type === 'ArrayExpression' ? arg.elements[1] : undefined
      if (modules?.type === 'ObjectExpression') {
        for (const p of modules.properties)
          ranges.push({ id: String(p.key.value ?? p.key.name), start: p.start, end: p.end })
        return
      }
    }
    for (const value of Object.values(node)) {
      if (Array.isArray(value)) value.forEach(visit)
      else if (value && typeof value === 'object') visit(value)
    }
  }
  visit(ast)
  return ranges
}

/** app code or runtime, for a module by its source files (a concatenated module goes by its root) */
function moduleKind(resources) {
  const first = resources?.[0]
  if (!first) return 'runtime'
  return /[\\/]node_modules[\\/]/.test(first) ? 'runtime' : 'app'
}

/** How the bytes of one JS file split between app code and runtime. */
function splitJs(buf, moduleMap) {
  const text = buf.toString('utf8')
  const split = { app: 0, runtime: 0 }
  let attributed = 0
  for (const r of moduleRanges(text)) {
    const bytes = Buffer.byteLength(text.slice(r.start, r.end))
    split[moduleKind(moduleMap[r.id])] += bytes
    attributed += bytes
  }
  split.runtime += buf.length - attributed // webpack's chunk glue and bootstrap
  return split
}

function subpackageRoots(dir) {
  const app = JSON.parse(readFileSync(join(dir, 'app.json'), 'utf8'))
  return (app.subPackages ?? app.subpackages ?? []).map((s) => s.root.replace(/\/?$/, '/'))
}

/**
 * @param dir a built mini program (its app.json at the top)
 * @param options.taro whether Taro built it (else it is native: all its code is app code)
 * @param options.moduleMap module-map-plugin.cjs output of that build; without it a Taro build is split by
 *   file name only (app.js and common.js then count as app code)
 */
export function measurePackage(dir, { taro = true, moduleMap: moduleMapFile } = {}) {
  const moduleMap =
    moduleMapFile && existsSync(moduleMapFile) ? JSON.parse(readFileSync(moduleMapFile, 'utf8')).modules : null
  const roots = subpackageRoots(dir)
  const main = { raw: 0, gzip: 0, files: 0, app: part(), runtime: part(), styles: part() }
  const subpackages = Object.fromEntries(roots.map((r) => [r, { raw: 0, gzip: 0, files: 0 }]))
  const files = []
  const excluded = []
  for (const full of listFiles(dir).sort()) {
    const path = relative(dir, full).split(sep).join('/')
    if (NOT_SHIPPED.some((re) => re.test(path))) {
      excluded.push(path)
      continue
    }
    const buf = readFileSync(full)
    const raw = buf.length
    const gz = gzip(buf)
    const root = roots.find((r) => path.startsWith(r))
    files.push({ path, raw, gzip: gz, package: root ?? 'main' })
    if (root) {
      add(subpackages[root], raw, gz)
      subpackages[root].files++
      continue
    }
    add(main, raw, gz)
    main.files++
    if (path.endsWith('.wxss')) add(main.styles, raw, gz)
    else if (taro && TARO_RUNTIME_FILES.test(path)) add(main.runtime, raw, gz)
    else if (taro && path.endsWith('.wxml') && /base\.wxml/.test(buf.toString('utf8')) && raw < 300)
      add(main.runtime, raw, gz) // Taro's page stub
    else if (moduleMap && path.endsWith('.js')) {
      const { app, runtime } = splitJs(buf, moduleMap)
      add(main.app, app, (gz * app) / raw)
      add(main.runtime, runtime, (gz * runtime) / raw)
    } else add(main.app, raw, gz)
  }
  for (const p of [main.app, main.runtime, main.styles]) p.gzip = Math.round(p.gzip)
  return { main, subpackages, files, excluded }
}
