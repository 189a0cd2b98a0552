/** The callbacks every wx network API takes. */
export interface TaskCallbacks {
  success?: (res: unknown) => void
  fail?: (err: unknown) => void
  complete?: (res: unknown) => void
}

export type Finish = (ok: boolean, res: Record<string, unknown>) => void

/**
 * The task shape wx.request and wx.uploadFile share: `run` starts on the next microtask (the base library never
 * answers synchronously), its callbacks settle once, and `abort()` ends the task with `<api>:fail abort`
 * (errno 600003); whatever `run` finds after an abort is dropped. `events` are the task's listener methods.
 */
export function networkTask<Events extends Record<string, () => undefined>>(
  api: string,
  options: TaskCallbacks,
  run: (finish: Finish, aborted: () => boolean) => Promise<void>,
  events: Events,
): { abort(): void } & Events {
  let aborted = false
  let settled = false
  const finish: Finish = (ok, res) => {
    if (settled) return
    settled = true
    if (ok) options.success?.(res)
    else options.fail?.(res)
    options.complete?.(res)
  }
  void Promise.resolve().then(() => run(finish, () => aborted))
  return {
    abort() {
      if (settled) return
      aborted = true
      finish(false, { errMsg: `${api}:fail abort`, errno: 600003 })
    },
    ...events,
  }
}

/** Header names as the client sends them: lower case, values as text. */
export function lowerCaseHeaders(header: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(header ?? {})) out[k.toLowerCase()] = String(v)
  return out
}
