// THIRD_PARTY_NOTICES for a bundled cloud function: every npm package whose code esbuild put into the bundle
// (from its metafile), with its version, declared licence and licence text. MIT, ISC, BSD and Apache-2.0 all
// ask that the notice travel with copies of the code; a bundle is such a copy.
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'

const LICENCE_FILE = /^(licen[cs]e|copying|notice)(\.(md|txt|markdown))?$/i

/** The folder of the npm package a bundled file belongs to (nearest package.json with a name, inside node_modules). */
function packageDirOf(file) {
  for (let dir = dirname(file); /[\\/]node_modules[\\/]/.test(dir); dir = dirname(dir)) {
    const pkg = join(dir, 'package.json')
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name) return dir
  }
  return undefined
}

/**
 * @param metafiles esbuild's metafiles of what the function's folder holds (its bundle, its vendor chunks)
 * @param cwd the directory their input paths are relative to
 */
export function thirdPartyNotices(metafiles, cwd, functionName) {
  const dirs = new Set()
  for (const metafile of metafiles)
    for (const input of Object.keys(metafile.inputs)) {
      const dir = packageDirOf(resolve(cwd, input))
      if (dir) dirs.add(dir)
    }
  const entries = [...dirs]
    .map((dir) => {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
      const files = readdirSync(dir).filter((f) => LICENCE_FILE.test(f))
      const licence = typeof pkg.license === 'string' ? pkg.license : (pkg.license?.type ?? 'not stated')
      const repository = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url
      const text = files.length
        ? files.map((f) => readFileSync(join(dir, f), 'utf8').trim()).join('\n\n')
        : `(the package ships no licence file; its package.json declares: ${licence})`
      return { key: `${pkg.name}@${pkg.version}`, licence, repository, text }
    })
    .sort((a, b) => a.key.localeCompare(b.key))
  const unique = entries.filter((e, i) => i === 0 || entries[i - 1].key !== e.key)
  // a licence text many packages share word for word (Apache-2.0, the same MIT notice) is printed once
  const firstWith = new Map()
  const header = [
    `Third-party software in the cloud function "${functionName}" (index.js and vendor/ bundle it).`,
    `${unique.length} packages; each with its version, declared licence and licence text (a text shared word for`,
    'word with a package above is not repeated: the entry names it).',
    '',
  ]
  const body = unique.map((e) => {
    const same = firstWith.get(e.text)
    if (!same) firstWith.set(e.text, e.key)
    return [
      '-'.repeat(78),
      `${e.key}  (licence: ${e.licence}${e.repository ? `; ${e.repository}` : ''})`,
      '',
      same ? `(licence text: the same as ${same}, above)` : e.text,
      '',
    ].join('\n')
  })
  return `${[...header, ...body].join('\n')}\n`
}
