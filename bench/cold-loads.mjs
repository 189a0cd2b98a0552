// The cloud functions' cold module loads alone, measured as `npm run bench` measures them (bench/lib/function-cost.mjs
// coldLoads(): paired, interleaved runs against an empty node, in SCF's environment), for the three builds of the
// same sources, with each build's deploy-folder size. For checking a change to the functions' build without the
// whole bench (weapp builds, pages, throughput).
//
//   node bench/cold-loads.mjs [--runs 15] [--functions login,bindPhone] [--builds deployed,installed]
//
// Builds the functions first (deployed, bundled as is, installed), as the bench does. Prints one line per build and
// function: median (IQR, runs) over an empty node, and the ratio of the installed SDK's median to the deployed one's.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { buildNodeSide, FUNCTION_BUILDS } from './lib/builds.mjs'
import { coldLoads } from './lib/function-cost.mjs'
import { deploySize } from './lib/deploy-size.mjs'

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '15' },
    functions: { type: 'string' },
    builds: { type: 'string', default: Object.keys(FUNCTION_BUILDS).join(',') },
  },
})
const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')

const built = await buildNodeSide()
const names = args.functions ? args.functions.split(',') : built
const builds = Object.fromEntries(args.builds.split(',').map((b) => [b, FUNCTION_BUILDS[b].dir]))
const before = loadAverage()
const result = coldLoads(names, Number(args.runs), builds)
const spread = (s) => `${s.median} ms (IQR ${s.p25}-${s.p75}, n ${s.n})`

console.log(`load average ${before} before, ${loadAverage()} after`)
console.log(`empty node: ${spread(result.emptyNodeMs)}; wx-server-sdk alone, installed: ${spread(result.sdk.moduleMs)}`)
for (const [build, perFunction] of Object.entries(result.builds))
  for (const [name, { moduleMs }] of Object.entries(perFunction))
    console.log(
      `${build.padEnd(14)} ${name.padEnd(16)} ${spread(moduleMs).padEnd(36)} ${deploySize(join(builds[build], name)).deployed} B deployed`,
    )
if (result.builds.deployed && result.builds.installed)
  for (const name of names) {
    const ratio = result.builds.installed[name].moduleMs.median / result.builds.deployed[name].moduleMs.median
    console.log(`${name}: deployed ${ratio.toFixed(2)}x faster than installed`)
  }
