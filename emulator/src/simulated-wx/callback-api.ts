/**
 * The calling convention of wx.* asynchronous APIs: `success`/`fail`/`complete` callbacks, or a Promise when
 * none is given (base library >= 2.10.2). Results carry `errMsg: '<name>:ok'`, failures `'<name>:fail <reason>'`.
 */
export interface WxCallbacks {
  success?: (res: any) => void
  fail?: (err: any) => void
  complete?: (res: any) => void
  [key: string]: unknown
}

export class WxFail {
  constructor(
    readonly reason: string,
    readonly extra: Record<string, unknown> = {},
  ) {}
}

export function callbackApi<O extends WxCallbacks>(
  name: string,
  run: (options: O) => Promise<Record<string, unknown>>,
) {
  return (options: O = {} as O): Promise<any> | undefined => {
    const promise = run(options).then(
      (res) => ({ ...res, errMsg: `${name}:ok` }),
      (e: unknown) => {
        const fail = e instanceof WxFail ? e : new WxFail((e as Error)?.message ?? String(e))
        throw { ...fail.extra, errMsg: `${name}:fail ${fail.reason}`.trimEnd() }
      },
    )
    return deliver(options, promise)
  }
}

/**
 * Hands a settled call to its callbacks when the caller gave any (the Promise is then consumed here, so a
 * failure never becomes an unhandled rejection, and the call returns undefined as in WeChat); else returns it.
 */
export function deliver<T>(options: WxCallbacks | undefined, promise: Promise<T>): Promise<T> | undefined {
  if (!options || !(options.success || options.fail || options.complete)) return promise
  promise.then(
    (res) => {
      options.success?.(res)
      options.complete?.(res)
    },
    (err) => {
      options.fail?.(err)
      options.complete?.(err)
    },
  )
  return undefined
}
