import { existsSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { join, resolve } from 'node:path'
import { startEmulator, type Emulator } from '../../emulator/src'
import { playgroundRoutes, type PlaygroundDirs } from './routes'

const REPO_ROOT = resolve(__dirname, '..', '..')

export interface PlaygroundOptions {
  host?: string
  /** 0 picks a free port */
  port?: number
  /** the emulator's persistent data; omit for an in-memory emulator (tests) */
  dataDir?: string
  dirs?: Partial<PlaygroundDirs>
}

export interface Playground {
  url: string
  emulator: Emulator
  stop(): Promise<void>
}

export const defaultDirs = (): PlaygroundDirs => ({
  app: join(REPO_ROOT, 'dist-h5'),
  panel: join(REPO_ROOT, 'playground', 'public'),
  bundles: join(REPO_ROOT, 'playground', 'dist', 'public'),
})

/** The emulator with the playground's pages on the same port: one origin, so the app's calls need no CORS. */
export async function startPlayground(options: PlaygroundOptions = {}): Promise<Playground> {
  const dirs = { ...defaultDirs(), ...options.dirs }
  const missing = [
    [join(dirs.app, 'index.html'), 'the H5 build: npm run build:h5'],
    [join(dirs.bundles, 'device.js'), 'the playground bundles: npm run build:cloud'],
  ].filter(([file]) => !existsSync(file))
  if (missing.length)
    throw new Error(`the playground needs ${missing.map(([file, how]) => `${file} (${how})`).join(' and ')}`)
  // one token per run for the control API, given to the panel page (routes.ts) and nothing else
  const controlToken = randomBytes(18).toString('base64url')
  const emulator = await startEmulator({
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    dataDir: options.dataDir,
    controlToken,
    httpHandlers: [playgroundRoutes(dirs, controlToken)],
  })
  return { url: emulator.url, emulator, stop: () => emulator.stop() }
}
