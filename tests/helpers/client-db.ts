import type { Emulator, WeChatAccount } from '../../emulator/src'
import { createWxRuntime, inProcessTransport } from '../../emulator/src/simulated-wx'

/** wx.cloud.database() of a simulated device signed in to WeChat as this account. */
export function clientDb(emulator: Emulator, account: WeChatAccount) {
  const { wx } = createWxRuntime({ transport: inProcessTransport(emulator, account.token) })
  wx.cloud.init({ env: emulator.ctx.envId })
  return wx.cloud.database()
}
