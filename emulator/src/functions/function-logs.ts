import type { Readable } from 'node:stream'

/**
 * What cloud functions print, kept per function as WeChat's cloud console keeps its 日志 (log) tab:
 * `inherit` also echoes each line to this process's stdout/stderr (the CLI, the playground); `collect` only keeps
 * it (tests: a fault a test provokes on purpose logs a stack trace, which would bury a real failure's output).
 */
export type FunctionLogMode = 'inherit' | 'collect'

export interface FunctionLogLine {
  functionName: string
  stream: 'stdout' | 'stderr'
  line: string
  at: number
}

/** The newest lines are kept; an emulator that runs for days does not grow without bound. */
const MAX_LINES = 5_000

export class FunctionLogs {
  private lines: FunctionLogLine[] = []

  constructor(private readonly mode: FunctionLogMode = 'inherit') {}

  /** Reads a worker's output stream line by line into the log. */
  attach(functionName: string, stream: 'stdout' | 'stderr', source: Readable): void {
    let pending = ''
    source.setEncoding('utf8')
    source.on('data', (chunk: string) => {
      pending += chunk
      const parts = pending.split('\n')
      pending = parts.pop() ?? ''
      for (const line of parts) this.add(functionName, stream, line)
    })
    source.on('end', () => {
      if (pending) this.add(functionName, stream, pending)
    })
  }

  /** Lines so far, oldest first; only one function's when a name is given. */
  list(functionName?: string): FunctionLogLine[] {
    return functionName ? this.lines.filter((l) => l.functionName === functionName) : [...this.lines]
  }

  clear(): void {
    this.lines = []
  }

  private add(functionName: string, stream: 'stdout' | 'stderr', line: string): void {
    this.lines.push({ functionName, stream, line, at: Date.now() })
    if (this.lines.length > MAX_LINES) this.lines.splice(0, this.lines.length - MAX_LINES)
    if (this.mode === 'inherit') (stream === 'stderr' ? process.stderr : process.stdout).write(`${line}\n`)
  }
}
