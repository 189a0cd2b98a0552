// The compiled emulator (emulator/dist, built by scripts/build-node.mjs) for the Node-side measurements.
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { ROOT } from './paths.mjs'

const require = createRequire(import.meta.url)

/** An in-memory emulator running the compiled cloud functions of cloudfunctions/. */
export function startEmulator(options = {}) {
  return require(join(ROOT, 'emulator', 'dist', 'index.js')).startEmulator(options)
}

/** wx.cloud.callFunction as the mini program of this account makes it; resolves to the function's result. */
export async function callFunction(emulator, account, name, data = {}) {
  const reply = await emulator.client('functions.callFunction', account.token, { name, data })
  if (!reply.ok) throw new Error(`${name}: ${reply.errMsg}`)
  return reply
}
