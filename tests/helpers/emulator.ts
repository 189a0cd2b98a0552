import { startEmulator, type Emulator, type EmulatorOptions, type WeChatAccount } from '../../emulator/src'

/**
 * Starts an in-memory emulator for a test file and stops it afterwards. What the functions print is collected
 * (`emulator.functions.logs()`), not echoed: faults the tests inject on purpose would otherwise fill the output
 * with stack traces and hide a real failure.
 */
export function useEmulator(options: EmulatorOptions = {}): () => Emulator {
  let emulator: Emulator | undefined
  beforeAll(async () => {
    emulator = await startEmulator({ functionLogs: 'collect', ...options })
  })
  afterAll(async () => {
    await emulator?.stop()
  })
  return () => {
    if (!emulator) throw new Error('the emulator is not running (used outside a test?)')
    return emulator
  }
}

/** Calls a cloud function as the mini program of this account would (wx.cloud.callFunction). */
export async function callFunction(
  emulator: Emulator,
  account: WeChatAccount,
  name: string,
  data: Record<string, unknown> = {},
) {
  const reply = await emulator.client('functions.callFunction', account.token, { name, data })
  if (!reply.ok) throw Object.assign(new Error(reply.errMsg), reply)
  return reply.result as Record<string, any>
}

/** The documents of a collection, straight from the emulator's store. */
export async function documents(emulator: Emulator, collection: string): Promise<Record<string, any>[]> {
  return emulator.database.dump(collection)
}

/**
 * A wx-server-sdk instance acting as an admin (a cloud function) against this emulator: as the function
 * `functionName` when given (its config.json decides which 云调用 it may make), else as a generic admin.
 */
export function adminSdk(emulator: Emulator, functionName?: string): typeof import('wx-server-sdk') {
  Object.assign(process.env, emulator.adminEnv(functionName))
  let cloud!: typeof import('wx-server-sdk')
  jest.isolateModules(() => {
    cloud = require('wx-server-sdk')
  })
  cloud.init({ env: emulator.ctx.envId })
  return cloud
}
