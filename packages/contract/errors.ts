/**
 * Every way a WeAuth call can fail, one table for the cloud functions, the own server and the app: the code
 * travels in replies (`{ ok: false, code, message }`), the app shows `message` for it, and `retryable` says
 * whether trying the same thing again can help (the client retries only those, src/services/retry.ts).
 */
export const ERRORS = {
  // request and session
  INVALID_INPUT: { message: '提交的内容有误，请检查后重试', retryable: false },
  NOT_LOGGED_IN: { message: '请先登录', retryable: false },
  TOKEN_EXPIRED: { message: '登录已过期，请重新登录', retryable: false },
  ACCOUNT_BANNED: { message: '该账号已被停用，如有疑问请联系客服', retryable: false },
  RISKY_USER: { message: '为保护你的账号安全，暂时无法完成注册。请稍后再试，或联系客服协助处理', retryable: false },
  WECHAT_CODE_INVALID: { message: '登录凭证已失效，请重试', retryable: true },
  WECHAT_CODE_USED: { message: '登录凭证已使用，请重试', retryable: true },
  OPEN_DATA_INVALID: { message: '微信数据校验失败，请重试', retryable: false },
  // privacy and consent (docs/privacy.md)
  CONSENT_REQUIRED: { message: '请先阅读并同意《用户协议》和《隐私政策》', retryable: false },
  CONSENT_OUTDATED: { message: '隐私政策已更新，请阅读并同意新版本后继续', retryable: false },
  PRIVACY_REFUSED: {
    message: '你暂未同意隐私保护指引，头像、昵称和手机号功能无法使用。需要时可再次点击，我们会重新询问你',
    retryable: false,
  },
  DELETE_NOT_DURABLE: {
    message: '注销暂未完成：服务端未能确认删除，你的数据保持原样，没有被部分删除。请稍后再试',
    retryable: true,
  },
  UNLINK_NOT_DURABLE: {
    message: '解除关联暂未完成：服务端未能确认，你的账号和本小程序的关联保持原样。请稍后再试',
    retryable: true,
  },
  // nickname (packages/contract/nickname.ts)
  RISKY_CONTENT: { message: '昵称包含不合规内容，请修改后再试', retryable: false },
  NICKNAME_EMPTY: { message: '请填写昵称', retryable: false },
  NICKNAME_TOO_LONG: { message: '昵称太长了：最多 20 个字（含表情），请删减后再试', retryable: false },
  NICKNAME_CONTROL_CHAR: { message: '昵称不能包含换行、制表符等控制字符', retryable: false },
  NICKNAME_INVISIBLE_CHAR: { message: '昵称不能包含看不见的零宽字符', retryable: false },
  NICKNAME_BIDI_CHAR: { message: '昵称不能包含改变文字方向的控制字符', retryable: false },
  NICKNAME_BLANK_FILLER: { message: '昵称不能包含显示为空白的填充字符（如 U+3164）', retryable: false },
  NICKNAME_BROKEN_TEXT: { message: '昵称包含无法显示的残缺字符，请重新输入', retryable: false },
  NICKNAME_MARKUP: { message: '昵称不能包含 < 或 > 符号', retryable: false },
  // phone number (https://developers.weixin.qq.com/miniprogram/dev/framework/open-ability/getPhoneNumber.html)
  PHONE_DENIED: { message: '你已取消手机号授权，可随时在“我的”页面绑定', retryable: false },
  PHONE_QUOTA: { message: '手机号验证服务暂时不可用，你可以先跳过，稍后再绑定', retryable: false },
  PHONE_NO_PERMISSION: { message: '当前小程序暂不支持手机号快捷验证，你可以先跳过这一步', retryable: false },
  PHONE_NONE: { message: '你的微信还没有绑定手机号，请先在微信“我 > 设置 > 账号与安全”中绑定后再试', retryable: false },
  PHONE_CODE_INVALID: { message: '手机号授权已失效或已使用，请重新授权', retryable: false },
  PHONE_UNAVAILABLE: { message: '暂时无法获取手机号，请稍后再试', retryable: false },
  UNSUPPORTED: { message: '当前微信版本不支持该功能，请升级微信', retryable: false },
  RATE_LIMITED: { message: '操作太频繁，请稍后再试', retryable: false },
  // files, transport, server
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
