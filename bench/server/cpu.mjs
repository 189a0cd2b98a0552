// CPU time of processes, for a cost per operation that does not depend on what else shares the machine.
import { existsSync, readFileSync } from 'node:fs'

/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in ticks of 1/100 s. */
const TICK_MS = 10

/** CPU milliseconds a process has used (user + system, /proc/<pid>/stat); null where /proc is missing. */
export function cpuMs(pid) {
  const stat = `/proc/${pid}/stat`
  if (!existsSync(stat)) return null
  try {
    // the command name (field 2) may hold spaces: fields are counted after its closing parenthesis
    const fields = readFileSync(stat, 'utf8').split(') ')[1].split(' ')
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS
  } catch {
    return null // the process ended between the check and the read
  }
}

/** This process's own CPU milliseconds (finer than /proc's ticks). */
export function ownCpuMs() {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}

/**
 * CPU milliseconds spent by a changing set of processes between two snapshots: a process seen only in the later
 * snapshot counts from zero (a PostgreSQL backend opened during the run), one seen only in the earlier one is
 * left out (it ended: its last figures are unknown).
 */
export function cpuSnapshot(pids) {
  return new Map(pids.map((pid) => [pid, cpuMs(pid)]))
}

export function cpuSpent(before, after) {
  let total = 0
  for (const [pid, ms] of after) {
    if (ms === null) continue
    total += ms - (before.get(pid) ?? 0)
  }
  return total
}
