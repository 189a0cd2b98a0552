import { appendFileSync } from 'node:fs'

/**
 * Counts what crosses from the logic layer to the render layer: the bytes (JSON, as WeChat serialises them) of
 * every setData call, and of the initial `data` of each page. It wraps the `Component` constructor that
 * miniprogram-simulate installs (the test helper registers pages through it too) so that every instance's
 * setData is metered from its `created` lifetime on. Install once per test file, before the first launch.
 */
type Options = { lifetimes?: Record<string, (...a: unknown[]) => void>; created?: (...a: unknown[]) => void } & Record<
  string,
  unknown
>
type Instance = { setData: (data: unknown, cb?: () => void) => void; data: unknown }

export interface Phase {
  /** setData calls, all components */
  calls: number
  /** bytes passed to setData */
  bytes: number
  /** bytes of the initial data of the pages created in this phase (sent with the first render) */
  initialBytes: number
}

const bytesOf = (value: unknown) => Buffer.byteLength(JSON.stringify(value) ?? '')

/** WEAUTH_BENCH_SETDATA_LOG=<file>: every payload is appended there too (one JSON line each), to see where bytes go */
const payloadLog = process.env.WEAUTH_BENCH_SETDATA_LOG
const logPayload = (kind: 'initial' | 'setData' | 'phase ended', value: unknown) => {
  if (payloadLog) appendFileSync(payloadLog, `${JSON.stringify({ kind, bytes: bytesOf(value), value })}\n`)
}

export function installSetDataMeter() {
  let phase: Phase = { calls: 0, bytes: 0, initialBytes: 0 }
  let lastAt = Date.now()
  let nextIsPage = false
  const g = globalThis as Record<string, unknown>

  const meter = (inst: Instance, isPage: boolean) => {
    if (isPage) {
      phase.initialBytes += bytesOf(inst.data)
      logPayload('initial', inst.data)
    }
    const setData = inst.setData
    inst.setData = function (this: Instance, data: unknown, cb?: () => void) {
      phase.calls++
      phase.bytes += bytesOf(data)
      logPayload('setData', data)
      lastAt = Date.now()
      return setData.call(this, data, cb)
    }
  }

  // miniprogram-simulate assigns global.Component each time it loads, the helper assigns global.Page: keep
  // whatever they assign, wrapped
  let component: ((o: Options) => unknown) | undefined
  Object.defineProperty(g, 'Component', {
    configurable: true,
    get: () => component && wrapComponent(component),
    set: (fn) => {
      component = fn
    },
  })
  let page: ((o: Options) => unknown) | undefined
  Object.defineProperty(g, 'Page', {
    configurable: true,
    get: () =>
      page &&
      ((o: Options) => {
        nextIsPage = true
        try {
          return page!(o)
        } finally {
          nextIsPage = false
        }
      }),
    set: (fn) => {
      page = fn
    },
  })

  function wrapComponent(fn: (o: Options) => unknown) {
    return (options: Options) => {
      const isPage = nextIsPage
      nextIsPage = false
      const created = options.lifetimes?.created ?? options.created
      return fn({
        ...options,
        lifetimes: {
          ...options.lifetimes,
          created(this: Instance, ...args: unknown[]) {
            meter(this, isPage)
            created?.apply(this, args)
          },
        },
      })
    }
  }

  return {
    /** starts a new phase and returns the one that ended */
    next(): Phase {
      const ended = phase
      logPayload('phase ended', ended)
      phase = { calls: 0, bytes: 0, initialBytes: 0 }
      return ended
    },
    /** resolves once no setData has happened for `quietMs` (Taro batches updates asynchronously) */
    async settled(quietMs = 100, timeoutMs = 5000): Promise<void> {
      const until = Date.now() + timeoutMs
      while (Date.now() - lastAt < quietMs && Date.now() < until) await new Promise((r) => setTimeout(r, 10))
    },
  }
}
