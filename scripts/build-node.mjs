// Builds the Node side of the project with esbuild:
// - each cloud function: cloudfunctions/<name>/src/index.ts -> dist-cloud/<name>/, the deploy folder WeChat
//   DevTools uploads (project.config.json cloudfunctionRoot): index.js, one CommonJS file with everything it
//   runs bundled in, wx-server-sdk included (its unused parts load on first use: scripts/cloud-sdk/), so the
//   deploy installs nothing, its modules compiled as the file loads (scripts/cloud-sdk/eager-modules.mjs), and
//   vendor/ (those parts, loaded on first use); package.json without dependencies;
//   config.json as written; THIRD_PARTY_NOTICES.
//   Sources stay in cloudfunctions/<name>/ and are never uploaded.
// - the local cloud emulator: emulator/src/**/*.ts -> emulator/dist (transpiled, not bundled).
// - the reference login server: server/src/main.ts -> server/dist/main.js, one bundled CommonJS file (its
//   dependencies inlined except PGlite, which loads its WebAssembly from node_modules) for Node 18+.
// - the browser playground (playground/): its server -> playground/dist/server.js (the emulator stays the
//   compiled emulator/dist, required at run time), and two browser bundles in playground/dist/public/: the
//   control panel and the simulated phone (the emulator's wx client, emulator/src/simulated-wx, for the browser).
import { build } from 'esbuild'
import {
  readdirSync,
  readFileSync,
  existsSync,
  rmSync,
  statSync,
  mkdirSync,
  writeFileSync,
  copyFileSync,
} from 'node:fs'
import { join, dirname, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { deferSdkParts, checkAllApplied } from './cloud-sdk/defer-plugin.mjs'
import { thirdPartyNotices } from './cloud-sdk/notices.mjs'
import { buildVendorChunks, copyVendor, vendorChunkPlugin } from './cloud-sdk/vendor-chunks.mjs'
import { eagerModulesInFile } from './cloud-sdk/eager-modules.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
/** the deploy folders, one per function (project.config.json cloudfunctionRoot) */
export const CLOUD_DEPLOY_ROOT = join(root, 'dist-cloud')

function listTs(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name)
    if (statSync(full).isDirectory()) return listTs(full)
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [full] : []
  })
}

/** The deploy folder's package.json: the source's name and description, and nothing to install. */
function deployPackageJson(source, { installs }) {
  const { name, version, description, dependencies } = source
  return { name, version, description, main: 'index.js', private: true, ...(installs ? { dependencies } : {}) }
}

/** The source package.json pins the SDK version the bundle must carry; another installed version fails. */
function checkDependencies(name, pkg) {
  for (const [dep, want] of Object.entries(pkg.dependencies ?? {})) {
    const installed = JSON.parse(readFileSync(join(root, 'node_modules', dep, 'package.json'), 'utf8')).version
    if (installed !== want)
      throw new Error(`${name}/package.json pins ${dep} ${want}, but ${installed} is installed (npm ci)`)
  }
}

/**
 * @param options.sourceRoot where the functions' sources are (default cloudfunctions/: <name>/src/index.ts,
 *   <name>/package.json, <name>/config.json)
 * @param options.outRoot where the deploy folders go (default dist-cloud/)
 * @param options.sdk 'bundled' (what is deployed: the SDK in index.js, its unused parts in vendor/, loaded on
 *   first use), or, for the bench's before rows only: 'bundled-eager' (the SDK bundled as it is, every part
 *   evaluated at cold start) and 'installed' (the SDK left to the cloud's `npm install`, as WeChat's quickstart
 *   deploys it)
 * @returns the function names
 */
export async function buildCloudFunctions({
  sourceRoot = join(root, 'cloudfunctions'),
  outRoot = CLOUD_DEPLOY_ROOT,
  sdk = 'bundled',
} = {}) {
  if (!['bundled', 'bundled-eager', 'installed'].includes(sdk)) throw new Error(`unknown sdk mode ${sdk}`)
  const fnRoot = sourceRoot
  const names = readdirSync(fnRoot).filter((n) => existsSync(join(fnRoot, n, 'src', 'index.ts')))
  rmSync(outRoot, { recursive: true, force: true })
  // the SDK's deferred parts, the same for every function: built once, copied into each deploy folder
  const vendorDir = join(outRoot, '.vendor')
  // the pinned files rewritten in the chunks; each function's bundle adds its own
  const appliedInChunks = new Set()
  const vendorMetafiles = sdk === 'bundled' ? await buildVendorChunks(root, vendorDir, appliedInChunks) : []
  await Promise.all(
    names.map(async (name) => {
      const pkg = JSON.parse(readFileSync(join(fnRoot, name, 'package.json'), 'utf8'))
      checkDependencies(name, pkg)
      const out = join(outRoot, name)
      mkdirSync(out, { recursive: true })
      const applied = new Set(appliedInChunks)
      const result = await build({
        entryPoints: [join(fnRoot, name, 'src', 'index.ts')],
        outfile: join(out, 'index.js'),
        bundle: true,
        platform: 'node',
        target: 'node16', // WeChat's default cloud-function runtime is Nodejs16.13
        format: 'cjs',
        external: sdk === 'installed' ? Object.keys(pkg.dependencies ?? {}) : [],
        // the deploy folder stays under 1.3 MB; nothing in the SDKs reads function or class names
        minify: sdk !== 'installed',
        plugins: sdk === 'bundled' ? [deferSdkParts(root, applied), vendorChunkPlugin(root)] : [],
        metafile: true,
        // licences go to THIRD_PARTY_NOTICES, whole, rather than as scattered comments
        legalComments: 'none',
        logLevel: 'warning',
        absWorkingDir: root,
      })
      if (sdk === 'bundled') eagerModulesInFile(join(out, 'index.js'), { required: true })
      if (sdk === 'bundled' && pkg.dependencies?.['wx-server-sdk']) {
        checkAllApplied(applied)
        copyVendor(vendorDir, out)
      }
      const deployPkg = deployPackageJson(pkg, { installs: sdk === 'installed' })
      writeFileSync(join(out, 'package.json'), `${JSON.stringify(deployPkg, null, 2)}\n`)
      if (existsSync(join(fnRoot, name, 'config.json')))
        copyFileSync(join(fnRoot, name, 'config.json'), join(out, 'config.json'))
      const notices = thirdPartyNotices([result.metafile, ...vendorMetafiles], root, name)
      writeFileSync(join(out, 'THIRD_PARTY_NOTICES'), notices)
    }),
  )
  rmSync(vendorDir, { recursive: true, force: true })
  return names
}

export async function buildEmulator() {
  const outdir = join(root, 'emulator', 'dist')
  rmSync(outdir, { recursive: true, force: true })
  await build({
    entryPoints: listTs(join(root, 'emulator', 'src')),
    outdir,
    outbase: join(root, 'emulator', 'src'),
    platform: 'node',
    target: 'node18',
    format: 'cjs',
    sourcemap: 'inline',
    logLevel: 'warning',
  })
}

export async function buildServer() {
  const outdir = join(root, 'server', 'dist')
  rmSync(outdir, { recursive: true, force: true })
  await build({
    // main.js is the process; index.js the same server as a library (the page tests start it in a worker)
    entryPoints: { main: join(root, 'server', 'src', 'main.ts'), index: join(root, 'server', 'src', 'index.ts') },
    outdir,
    bundle: true,
    platform: 'node',
    target: 'node18',
    format: 'cjs',
    // PGlite loads its WebAssembly and data files from its own folder; pg's native binding is optional
    external: ['@electric-sql/pglite', 'pg-native'],
    sourcemap: 'linked',
    legalComments: 'none',
    logLevel: 'warning',
  })
}

/** Imports of emulator/src from the playground server become requires of the compiled emulator/dist. */
function compiledEmulator(outdir) {
  const src = join(root, 'emulator', 'src')
  return {
    name: 'compiled-emulator',
    setup(b) {
      b.onResolve({ filter: /emulator\/src/ }, (args) => {
        const target = resolve(args.resolveDir, args.path)
        if (!target.startsWith(src)) return undefined
        const compiled = join(root, 'emulator', 'dist', relative(src, target))
        return { path: relative(outdir, compiled).split('\\').join('/'), external: true }
      })
    },
  }
}

export async function buildPlayground() {
  const outdir = join(root, 'playground', 'dist')
  rmSync(outdir, { recursive: true, force: true })
  const browser = {
    bundle: true,
    platform: 'browser',
    target: 'es2020',
    format: 'iife',
    sourcemap: 'linked',
    legalComments: 'none',
    logLevel: 'warning',
  }
  await Promise.all([
    build({
      entryPoints: [join(root, 'playground', 'server', 'main.ts')],
      outfile: join(outdir, 'server.js'),
      bundle: true,
      platform: 'node',
      target: 'node18',
      format: 'cjs',
      plugins: [compiledEmulator(outdir)],
      logLevel: 'warning',
    }),
    build({
      ...browser,
      entryPoints: [join(root, 'playground', 'device', 'index.ts')],
      outfile: join(outdir, 'public', 'device.js'),
    }),
    build({
      ...browser,
      entryPoints: [join(root, 'playground', 'panel', 'index.ts')],
      outfile: join(outdir, 'public', 'panel.js'),
    }),
  ])
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const started = Date.now()
  const [names] = await Promise.all([buildCloudFunctions(), buildEmulator(), buildServer(), buildPlayground()])
  console.log(
    `built cloud functions [${names.join(', ')}], the emulator, the login server and the playground in ${Date.now() - started} ms`,
  )
}
