// The size budget of the main package (bench/budget.json) and the check against it.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { BENCH } from './paths.mjs'
import { kb } from './format.mjs'

export const BUDGET_FILE = join(BENCH, 'budget.json')

export function readBudget() {
  return JSON.parse(readFileSync(BUDGET_FILE, 'utf8'))
}

/** @param main measurePackage(...).main */
export function checkBudget(main, budget = readBudget()) {
  const limits = budget.mainPackage
  const problems = []
  if (main.raw > limits.rawBytes)
    problems.push(`raw ${kb(main.raw)} > ${kb(limits.rawBytes)} (by ${kb(main.raw - limits.rawBytes)})`)
  if (main.gzip > limits.gzipBytes)
    problems.push(`gzip ${kb(main.gzip)} > ${kb(limits.gzipBytes)} (by ${kb(main.gzip - limits.gzipBytes)})`)
  return { ok: problems.length === 0, problems, limits }
}
