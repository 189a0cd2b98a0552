// Builds for the bench: the cloud functions and the emulator (scripts/build-node.mjs, as npm test does), the
// functions' two builds before the deploy folders (for the before rows), and
// weapp variants, each by bench/lib/taro-build.mjs in its own process, into bench/out/weapp/<variant> with
// its module map next to it.
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildCloudFunctions, buildEmulator, CLOUD_DEPLOY_ROOT } from '../../scripts/build-node.mjs'
import { BENCH, OUT, ROOT } from './paths.mjs'

/** The cloud-function builds compared, deployed first: name -> { dir, label } */
export const FUNCTION_BUILDS = {
  deployed: { dir: CLOUD_DEPLOY_ROOT, label: 'deploy folder: SDK bundled, unused parts deferred (dist-cloud/)' },
  'bundled-eager': { dir: join(OUT, 'functions', 'bundled-eager'), label: 'SDK bundled as it is' },
  installed: { dir: join(OUT, 'functions', 'installed'), label: "SDK installed in node_modules (WeChat's quickstart)" },
}

export async function buildNodeSide() {
  const [names] = await Promise.all([buildCloudFunctions(), buildEmulator()])
  await buildCloudFunctions({ outRoot: FUNCTION_BUILDS['bundled-eager'].dir, sdk: 'bundled-eager' })
  await buildCloudFunctions({ outRoot: FUNCTION_BUILDS.installed.dir, sdk: 'installed' })
  return names
}

export function weappBuild(variant) {
  const dir = join(OUT, 'weapp', variant)
  return { dir, moduleMap: `${dir}.modules.json`, log: `${dir}.log` }
}

/** Builds one variant; Taro's progress output goes to a log file, a failure throws with its tail. */
export function buildWeapp(variant) {
  const out = weappBuild(variant)
  mkdirSync(join(OUT, 'weapp'), { recursive: true })
  const started = performance.now()
  const r = spawnSync(
    process.execPath,
    [join(BENCH, 'lib', 'taro-build.mjs'), '--variant', variant, '--output', out.dir, '--module-map', out.moduleMap],
    {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, NODE_ENV: 'production' },
      maxBuffer: 64 * 1024 * 1024,
    },
  )
  const log = `${r.stdout ?? ''}${r.stderr ?? ''}`
  writeFileSync(out.log, log)
  if (r.status !== 0 || !/Compiled successfully/.test(log)) {
    throw new Error(`weapp build of variant ${variant} failed (exit ${r.status}); log: ${out.log}\n${log.slice(-2000)}`)
  }
  return { ...out, seconds: (performance.now() - started) / 1000 }
}
