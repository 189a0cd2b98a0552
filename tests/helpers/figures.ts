import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * Records the figures behind a reliability guarantee (cases tried, failures, records checked) so that
 * scripts/reliability-report.mjs can write docs/RELIABILITY.md from the run that just happened.
 */
export function recordFigures(
  id: string,
  figures: { guarantee: string; test: string } & Record<string, string | number>,
): void {
  const dir = join(__dirname, '..', '..', 'test-output', 'reliability')
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, `${id}.json`), JSON.stringify({ ...figures, recordedAt: new Date().toISOString() }, null, 2))
}
