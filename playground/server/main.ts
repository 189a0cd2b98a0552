/**
 * `npm run dev` (after the builds) / `npm run playground`: the browser playground on one port,
 * http://127.0.0.1:8787 unless PORT (and HOST) say otherwise, with the emulator's data in .weauth-data/.
 */
import { resolve } from 'node:path'
import { startPlayground } from './playground'

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 8787)
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be 0-65535, not ${process.env.PORT}`)
  const dataDir = resolve(__dirname, '..', '..', '.weauth-data')
  const playground = await startPlayground({ host: process.env.HOST ?? '127.0.0.1', port, dataDir })
  console.log(
    `\nWeAuth playground: ${playground.url}\n  emulated WeChat Cloud, data in ${dataDir} (npm run emulator:reset wipes it); Ctrl+C stops\n`,
  )
  const stop = () => void playground.stop().then(() => process.exit(0))
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

main().catch((e) => {
  const busy = (e as { code?: string })?.code === 'EADDRINUSE'
  console.error(
    busy
      ? `${(e as Error).message}: another program uses this port; set PORT=<n> to pick another`
      : e instanceof Error
        ? e.message
        : e,
  )
  process.exit(1)
})
