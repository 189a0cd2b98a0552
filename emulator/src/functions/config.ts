import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * A cloud function's deploy-time settings, read from `cloudfunctions/<name>/config.json` as WeChat DevTools
 * does: `timeout` in seconds (WeChat's default is 3, its maximum 60) and the open APIs the function may call
 * through 云调用 (`permissions.openapi`).
 * Source: https://developers.weixin.qq.com/miniprogram/dev/wxcloud/guide/openapi/openapi.html
 */
export interface FunctionConfig {
  timeoutMs: number
  openapi: string[]
  envVariables: Record<string, string>
  /**
   * The message pushes this function receives: the console's 云开发 → 设置 → 其他设置 → 消息推送 table
   * (<MsgType, Event> → function, https://developers.weixin.qq.com/miniprogram/dev/wxcloud/guide/functions/openapi.html),
   * kept next to the function under `messagePush` so it is reviewed like code. Not a DevTools key: the team
   * enters the same rows in the console (docs/privacy.md); the emulator routes by it.
   */
  messagePush: Array<{ msgType: string; event: string }>
}

export const DEFAULT_TIMEOUT_S = 3
export const MAX_TIMEOUT_S = 60

export function readFunctionConfig(functionDir: string): FunctionConfig {
  const file = join(functionDir, 'config.json')
  const config: FunctionConfig = {
    timeoutMs: DEFAULT_TIMEOUT_S * 1000,
    openapi: [],
    envVariables: {},
    messagePush: [],
  }
  if (!existsSync(file)) return config
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'))
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${(e as Error).message})`)
  }
  if (typeof raw !== 'object' || raw === null) throw new Error(`${file}: must be a JSON object`)
  const { timeout, permissions, envVariables, messagePush } = raw as Record<string, unknown>
  if (timeout !== undefined) {
    if (typeof timeout !== 'number' || !(timeout > 0) || timeout > MAX_TIMEOUT_S) {
      throw new Error(`${file}: timeout must be a number of seconds in (0, ${MAX_TIMEOUT_S}]`)
    }
    config.timeoutMs = timeout * 1000
  }
  const openapi = (permissions as { openapi?: unknown } | undefined)?.openapi
  if (openapi !== undefined) {
    if (!Array.isArray(openapi) || !openapi.every((a) => typeof a === 'string')) {
      throw new Error(`${file}: permissions.openapi must be an array of API names`)
    }
    config.openapi = openapi
  }
  if (envVariables !== undefined) {
    if (
      typeof envVariables !== 'object' ||
      envVariables === null ||
      Object.values(envVariables).some((v) => typeof v !== 'string')
    ) {
      throw new Error(`${file}: envVariables must map names to strings`)
    }
    config.envVariables = envVariables as Record<string, string>
  }
  if (messagePush !== undefined) {
    if (
      !Array.isArray(messagePush) ||
      !messagePush.every(
        (m) => m && typeof m === 'object' && typeof m.msgType === 'string' && typeof (m.event ?? '') === 'string',
      )
    ) {
      throw new Error(`${file}: messagePush must be a list of { msgType, event }`)
    }
    config.messagePush = messagePush.map((m) => ({ msgType: m.msgType, event: m.event ?? '' }))
  }
  return config
}
