/**
 * WeChat Cloud error codes as the TCB admin API reports them.
 *
 * The admin API answers `{ code: 'DATABASE_PERMISSION_DENIED', message }`; wx-server-sdk maps the string
 * code to the numeric errCode through its own TCB_ERR_CODE table (copied below so the client side of the
 * emulator reports the same numbers). Source: wx-server-sdk 4.0.2 `src/api/cloud/provider/tcb/config/error.config.ts`
 * and https://developers.weixin.qq.com/miniprogram/dev/wxcloud/reference/errcode.html
 */
export const TCB_ERR_CODE = {
  SUCCESS: 0,
  SYS_ERR: -501001,
  SERVER_TIMEOUT: -501002,
  EXCEED_REQUEST_LIMIT: -501003,
  EXCEED_CONCURRENT_REQUEST_LIMIT: -501004,
  INVALIID_ENV: -501005,
  INVALID_COMMON_PARAM: -501006,
  INVALID_PARAM: -501007,
  INVALID_REQUEST_SOURCE: -501008,
  RESOURCE_NOT_INITIAL: -501009,
  DATABASE_REQUEST_FAILED: -502001,
  DATABASE_INVALID_OPERRATOR: -502002,
  DATABASE_PERMISSION_DENIED: -502003,
  DATABASE_COLLECTION_EXCEED_LIMIT: -502004,
  DATABASE_COLLECTION_NOT_EXIST: -502005,
  STORAGE_REQUEST_FAIL: -503001,
  STORAGE_EXCEED_AUTHORITY: -503002,
  STORAGE_FILE_NONEXIST: -503003,
  STORAGE_SIGN_PARAM_INVALID: -503004,
  FUNCTIONS_REQUEST_FAIL: -504001,
  FUNCTIONS_EXECUTE_FAIL: -504002,
  // Reported to mini program callers but absent from wx-server-sdk's table (the SDK maps them to SYS_ERR):
  FUNCTIONS_NOT_FOUND: -501000, // "[ResourceNotFound.Function] FunctionName parameter could not be found"
  FUNCTIONS_TIME_LIMIT_EXCEEDED: -504003, // "Invoking task timed out after 3 seconds" (community reports)
  // @cloudbase/database's runTransaction retries on this code string; the SDK has no number for it (SYS_ERR)
  DATABASE_TRANSACTION_CONFLICT: -501001,
} as const

export type TcbCode = keyof typeof TCB_ERR_CODE

/** An error the emulator reports in WeChat's shape: a TCB code string, its numeric errCode and a message. */
export class CloudError extends Error {
  readonly code: TcbCode
  readonly errCode: number

  constructor(code: TcbCode, message: string) {
    super(message)
    this.name = 'CloudError'
    this.code = code
    this.errCode = TCB_ERR_CODE[code]
  }

  /** The body the TCB admin API returns for a failed action. */
  toAdminBody(requestId: string): { code: TcbCode; message: string; requestId: string } {
    return { code: this.code, message: this.message, requestId }
  }
}

export const invalidParam = (message: string): CloudError => new CloudError('INVALID_PARAM', message)
