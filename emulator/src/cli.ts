#!/usr/bin/env node
/**
 * `weauth-emulator [start|reset] [--functions DIR] [--database DIR] [--data DIR] [--port N] [--env ID] [--appid ID]
 *   [--app-json FILE]`
 * (or `node emulator/dist/cli.js ...`): runs the local WeChat Cloud on its own, for this project or any other
 * project's `cloudfunctions/` (docs/emulator/use-it-on-your-project.md), or wipes its data folder.
 */
import { rmSync } from 'node:fs'
import { resolve } from 'node:path'
import { startEmulator } from './server'
import { pagesOfAppJson } from './cloud-openapi/app-pages'

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback
}

async function main(): Promise<void> {
  const command = process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : 'start'
  const dataDir = resolve(option('data', '.weauth-data'))
  if (command === 'reset') {
    rmSync(dataDir, { recursive: true, force: true })
    console.log(`emulator data removed: ${dataDir}`)
    return
  }
  if (command !== 'start') throw new Error(`unknown command ${command} (start | reset)`)
  const port = Number(option('port', process.env.PORT ?? '8787'))
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('--port must be 0-65535')
  const dir = (name: string) => {
    const value = option(name, '')
    return value ? resolve(value) : undefined
  }
  const emulator = await startEmulator({
    dataDir,
    port,
    functionsDir: dir('functions'),
    databaseDir: dir('database'),
    envId: option('env', '') || undefined,
    appid: option('appid', '') || undefined,
    // the pages wxacode.getUnlimited's check_path accepts
    appPages: dir('app-json') ? pagesOfAppJson(dir('app-json') as string) : undefined,
  })
  console.log(`WeChat Cloud emulator on ${emulator.url} (env ${emulator.envId}, data ${dataDir})`)
  console.log(`control API token (header x-weauth-control-token): ${emulator.controlToken}`)
  const stop = () => void emulator.stop().then(() => process.exit(0))
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e)
  process.exit(1)
})
