import type { Emulator, WeChatAccount } from '../../emulator/src'

/**
 * The database as the mini program reaches it: the same query builder (@cloudbase/database, which both
 * wx.cloud and wx-server-sdk are built on) sending through the emulator's client path, so the caller's
 * identity comes from the simulated WeChat session and the collection's permission applies.
 * Failures come back as `{ code, message }` results, the builder's behaviour without throwOnCode.
 */
export function clientDb(emulator: Emulator, account: WeChatAccount) {
  let Db!: { new (config: object): any; reqClass: unknown }
  jest.isolateModules(() => {
    Db = require('@cloudbase/database').Db
  })
  Db.reqClass = class {
    async send(action: string, params: Record<string, unknown>) {
      const reply = await emulator.client(action, account.token, params)
      return reply.ok ? reply : { code: reply.code, errCode: reply.errCode, message: reply.errMsg }
    }
  }
  return new Db({ env: emulator.ctx.envId })
}
