import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'

/** The reference server as a deployment runs it: `node server/dist/main.js`, a process of its own. */
export const SERVER_MAIN = join(__dirname, '..', '..', 'server', 'dist', 'main.js')

export interface ServerProcess {
  url: string
  child: ChildProcess
  /** what the process printed (stdout and stderr) */
  output(): string
  /** SIGKILL: no shutdown, no flush, as a crashed machine */
  kill9(): Promise<void>
  stop(): Promise<void>
}

export function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  if (!existsSync(SERVER_MAIN)) throw new Error(`${SERVER_MAIN} is missing: run \`node scripts/build-node.mjs\``)
  const childEnv = { PATH: process.env.PATH ?? '', WEAUTH_LOG_LEVEL: 'warn', ...env } as unknown as NodeJS.ProcessEnv
  const child: ChildProcess = spawn(process.execPath, [SERVER_MAIN], {
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const ended = (signal: NodeJS.Signals) => async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal)
    await exited
  }
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => (out += d))
    child.stdout!.on('data', (d: Buffer) => {
      out += d
      const listening = /listening on (http:\/\/\S+)/.exec(out)
      if (listening)
        resolve({ url: listening[1], child, output: () => out, kill9: ended('SIGKILL'), stop: ended('SIGTERM') })
    })
    child.once('exit', (code: number | null) =>
      reject(new Error(`the server exited (${code}) before listening: ${out}`)),
    )
  })
}
