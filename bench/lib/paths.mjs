// Where things are, for every bench script.
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const BENCH = join(ROOT, 'bench')
/** builds and raw figures of this run (git-ignored) */
export const OUT = join(BENCH, 'out')
export const DIST = join(ROOT, 'dist')
export const FIXTURES = join(BENCH, 'fixtures')
export const bin = (name) => join(ROOT, 'node_modules', '.bin', name)
