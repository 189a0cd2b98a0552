import type { ErrorCode } from './errors'

/**
 * Hints for the team, written to the function's or the server's log beside a failure: what to do in the admin
 * console. The user sees the error table's message, never these.
 */
export const TEAM_HINTS: Partial<Record<ErrorCode, string>> = {
  PHONE_QUOTA:
    'phone-number quota used up (1400001): top up 手机号快速验证组件 usage in the mini program admin console (mp.weixin.qq.com → 付费管理)',
}
