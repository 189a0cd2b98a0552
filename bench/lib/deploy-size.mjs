// What deploying a cloud function ships: every file of its deploy folder (index.js, vendor/, package.json,
// config.json, THIRD_PARTY_NOTICES), and the node_modules that `npm install` in that folder would bring, i.e.
// the closure of its package.json dependencies (none for the deploy folders of dist-cloud/). The versions are the ones installed at the root (pinned by the root lockfile); a fresh
// install in the folder could resolve slightly different patch versions.
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs'
import { join, dirname } from 'node:path'
import { ROOT } from './paths.mjs'

function folderBytes(dir, { skipNodeModules }) {
  let bytes = 0
  let files = 0
  for (const name of readdirSync(dir)) {
    if (skipNodeModules && name === 'node_modules') continue
    const full = join(dir, name)
    const st = statSync(full)
    if (st.isDirectory()) {
      const inner = folderBytes(full, { skipNodeModules })
      bytes += inner.bytes
      files += inner.files
    } else {
      bytes += st.size
      files++
    }
  }
  return { bytes, files }
}

/** Node's lookup of a package from a folder: ./node_modules/<name>, then each parent's, up to the root. */
function findPackage(name, fromDir) {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name)
    if (existsSync(join(candidate, 'package.json'))) return candidate
    if (dir === ROOT || dir === dirname(dir)) return undefined
  }
}

/** The packages a list of dependencies pulls in, each once (a folder each). */
function closure(deps, fromDir, seen = new Map()) {
  for (const name of deps) {
    const dir = findPackage(name, fromDir)
    if (!dir || seen.has(dir)) continue
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
    seen.set(dir, pkg.name)
    closure([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {})], dir, seen)
  }
  return seen
}

export function deploySize(functionDir) {
  const own = folderBytes(functionDir, { skipNodeModules: true })
  const upload = own.bytes
  const pkg = JSON.parse(readFileSync(join(functionDir, 'package.json'), 'utf8'))
  // the function folder has no node_modules of its own: resolve as if installed there, from the root's
  const packages = closure(Object.keys(pkg.dependencies ?? {}), ROOT)
  let bytes = 0
  let files = 0
  const largest = []
  for (const [dir, name] of packages) {
    const size = folderBytes(dir, { skipNodeModules: true })
    bytes += size.bytes
    files += size.files
    largest.push({ name, bytes: size.bytes })
  }
  largest.sort((a, b) => b.bytes - a.bytes)
  return {
    upload,
    deployed: upload + bytes,
    files: own.files + files,
    packages: packages.size,
    largest: largest.slice(0, 5),
  }
}
