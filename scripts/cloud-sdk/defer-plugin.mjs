// esbuild plugin: applies scripts/cloud-sdk/deferred-parts.mjs to the pinned SDK files while bundling, and
// fails the build when a pinned version differs or a rewrite does not match exactly as often as it should.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { DEFERRED, HELPERS, PINNED } from './deferred-parts.mjs'

/** Where each pinned package is, resolved as the bundle resolves it (wx-server-sdk -> node-sdk -> axios, database -> bson). */
export function pinnedPackageDirs(root) {
  const dirOf = (name, from) => {
    const req = createRequire(join(from, 'noop.js'))
    return dirname(req.resolve(`${name}/package.json`))
  }
  const sdk = dirOf('wx-server-sdk', root)
  const nodeSdk = dirOf('@cloudbase/node-sdk', sdk)
  const axios = dirOf('axios', nodeSdk)
  const database = dirOf('@cloudbase/database', nodeSdk)
  const bson = dirOf('bson', database)
  return { 'wx-server-sdk': sdk, '@cloudbase/node-sdk': nodeSdk, axios, '@cloudbase/database': database, bson }
}

function checkPinnedVersions(dirs) {
  for (const [name, want] of Object.entries(PINNED)) {
    const { version } = JSON.parse(readFileSync(join(dirs[name], 'package.json'), 'utf8'))
    if (version !== want) {
      throw new Error(
        `cloud-function build: ${name} is ${version}, the deferred-loading rewrites (scripts/cloud-sdk/deferred-parts.mjs) were written for ${want}; check them against the new version and update PINNED`,
      )
    }
  }
}

function countOf(text, find) {
  if (typeof find === 'string') return text.split(find).length - 1
  const global = new RegExp(find.source, find.flags.includes('g') ? find.flags : `${find.flags}g`)
  return [...text.matchAll(global)].length
}

/** Rewrites one file's text; throws when an entry's match count is not the pinned one. */
export function rewrite(text, entries, path) {
  let out = text
  for (const e of entries) {
    const found = countOf(out, e.find)
    if (found !== e.count) {
      throw new Error(
        `cloud-function build: ${e.package}/${e.file} (${path}): expected ${e.count} match(es) of ${e.find}, found ${found}; the SDK's layout changed (scripts/cloud-sdk/deferred-parts.mjs: ${e.why})`,
      )
    }
    out = out.replace(e.find, e.replace)
  }
  return `${out}\n${HELPERS}`
}

/**
 * @param root repository root
 * @param applied a Set the plugin fills with "<package>/<file>" of each rewritten file: the caller checks
 *   that every entry's file was part of the bundle (a file the SDK stopped requiring is a layout change too)
 */
export function deferSdkParts(root, applied) {
  const dirs = pinnedPackageDirs(root)
  checkPinnedVersions(dirs)
  const byPath = new Map()
  for (const e of DEFERRED) {
    const path = join(dirs[e.package], e.file)
    byPath.set(path, [...(byPath.get(path) ?? []), e])
  }
  return {
    name: 'weauth-defer-sdk-parts',
    setup(build) {
      build.onLoad({ filter: /\.js$/ }, (args) => {
        const entries = byPath.get(args.path)
        if (!entries) return undefined
        applied.add(`${entries[0].package}/${entries[0].file}`)
        return { contents: rewrite(readFileSync(args.path, 'utf8'), entries, args.path), loader: 'js' }
      })
    },
  }
}

/** Every file DEFERRED names must have been rewritten in a bundle that includes the SDK (or in its chunks). */
export function checkAllApplied(applied) {
  const missing = [...new Set(DEFERRED.map((e) => `${e.package}/${e.file}`))].filter((f) => !applied.has(f))
  if (missing.length) {
    throw new Error(
      `cloud-function build: the SDK no longer loads ${missing.join(', ')}; scripts/cloud-sdk/deferred-parts.mjs is out of date`,
    )
  }
}
