// Builds the Node side of the project with esbuild:
// - each cloud function: cloudfunctions/<name>/src/index.ts -> cloudfunctions/<name>/index.js, one bundled
//   CommonJS file (shared code inlined) with only the function's own package.json deps left external,
//   which is exactly what WeChat DevTools uploads and deploys.
// - the local cloud emulator: emulator/src/**/*.ts -> emulator/dist (transpiled, not bundled).
// - the reference login server: server/src/main.ts -> server/dist/main.js, one bundled CommonJS file (its
//   dependencies inlined except PGlite, which loads its WebAssembly from node_modules) for Node 18+.
// - the browser playground (playground/): its server -> playground/dist/server.js (the emulator stays the
//   compiled emulator/dist, required at run time), and two browser bundles in playground/dist/public/: the
//   control panel and the simulated phone (the emulator's wx client, emulator/src/simulated-wx, for the browser).
import { build } from 'esbuild'
import { readdirSync, readFileSync, existsSync, rmSync, statSync } from 'node:fs'
import { join, dirname, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

function listTs(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name)
    if (statSync(full).isDirectory()) return listTs(full)
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [full] : []
  })
}

export async function buildCloudFunctions() {
  const fnRoot = join(root, 'cloudfunctions')
  const names = readdirSync(fnRoot).filter((n) => existsSync(join(fnRoot, n, 'src', 'index.ts')))
  await Promise.all(
    names.map((name) => {
      const pkg = JSON.parse(readFileSync(join(fnRoot, name, 'package.json'), 'utf8'))
      return build({
        entryPoints: [join(fnRoot, name, 'src', 'index.ts')],
        outfile: join(fnRoot, name, 'index.js'),
        bundle: true,
        platform: 'node',
        target: 'node16', // WeChat's default cloud-function runtime is Nodejs16.13
        format: 'cjs',
        external: Object.keys(pkg.dependencies ?? {}),
        legalComments: 'none',
        logLevel: 'warning',
      })
    }),
  )
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
