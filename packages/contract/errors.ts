/**
 * Every way a WeAuth call can fail, one table for the cloud functions, the own server and the app: the code
 * travels in replies (`{ ok: false, code, message }`), the app shows `message` for it, and `retryable` says
 * whether trying the same thing again can help (the client retries only those, src/services/retry.ts).
 */
export const ERRORS = {
  INVALID_INPUT: { message: '提交的内容有误，请检查后重试', retryable: false },
  NOT_LOGGED_IN: { message: '请先登录', retryable: false },
  TOKEN_EXPIRED: { message: '登录已过期，请重新登录', retryable: false },
  ACCOUNT_BANNED: { message: '该账号已被停用，如有疑问请联系客服', retryable: false },
  CONSENT_REQUIRED: { message: '请先阅读并同意隐私政策', retryable: false },
  RISKY_CONTENT: { message: '昵称包含不合规内容，请修改后再试', retryable: false },
  RISKY_USER: { message: '当前账号存在安全风险，暂时无法登录', retryable: false },
  WECHAT_CODE_INVALID: { message: '登录凭证已失效，请重试', retryable: true },
  WECHAT_CODE_USED: { message: '登录凭证已使用，请重试', retryable: true },
  OPEN_DATA_INVALID: { message: '微信数据校验失败，请重试', retryable: false },
  PHONE_CODE_INVALID: { message: '手机号授权已失效或已使用，请重新授权', retryable: false },
  PHONE_QUOTA: { message: '手机号验证服务繁忙，请稍后再试', retryable: false },
  PHONE_DENIED: { message: '你已取消手机号授权，可随时在“我的”页面绑定', retryable: false },
  UNSUPPORTED: { message: '当前微信版本不支持该功能，请升级微信', retryable: false },
  RATE_LIMITED: { message: '操作太频繁，请稍后再试', retryable: false },
  UPLOAD_FAILED: { message: '头像上传失败，请重试', retryable: true },
  NETWORK: { message: '网络异常，请检查网络后重试', retryable: true },
  TIMEOUT: { message: '请求超时，请重试', retryable: true },
  UPSTREAM: { message: '服务暂时不可用，请稍后重试', retryable: true },
  NOT_FOUND: { message: '请求的内容不存在', retryable: false },
  METHOD_NOT_ALLOWED: { message: '不支持的请求方式', retryable: false },
  PAYLOAD_TOO_LARGE: { message: '提交的内容过大', retryable: false },
  UNSUPPORTED_MEDIA_TYPE: { message: '请以 JSON 格式提交', retryable: false },
  INTERNAL: { message: '服务异常，请稍后重试', retryable: true },
} as const satisfies Record<string, { message: string; retryable: boolean }>

export type ErrorCode = keyof typeof ERRORS

export const isErrorCode = (code: unknown): code is ErrorCode =>
  typeof code === 'string' && Object.prototype.hasOwnProperty.call(ERRORS, code)

/** The message a person reads for a code; an unknown code reads as a service failure. */
export const messageFor = (code: string): string => (isErrorCode(code) ? ERRORS[code].message : ERRORS.UPSTREAM.message)

/** Whether repeating the same call can succeed; unknown codes are not retried. */
export const isRetryable = (code: string): boolean => isErrorCode(code) && ERRORS[code].retryable

/**
 * The one error class the app throws and shows: a message a person can act on, the code from the table,
 * and whether trying again can help.
 */
export class WeAuthError extends Error {
  readonly retryable: boolean
  constructor(
    readonly code: ErrorCode,
    message: string = messageFor(code),
    retryable: boolean = isRetryable(code),
  ) {
    super(message)
    this.name = 'WeAuthError'
    this.retryable = retryable
  }
}
