/**
 * One cloud-function instance, like an SCF instance: loads the function's compiled index.js once (the cold
 * start) and then runs one invocation at a time. worker_threads give each instance its own copy of
 * process.env, which matters because wx-server-sdk's getWXContext() reads the caller from WX_* variables.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { performance } from 'node:perf_hooks'

export interface InvokeMessage {
  id: number
  event: unknown
  /** WX_* and TCB_* variables for this invocation (caller identity) */
  invocationEnv: Record<string, string>
  requestId: string
  timeLimitMs: number
}

export type WorkerReply =
  | { kind: 'ready'; coldStartMs: number }
  | { kind: 'load-error'; message: string }
  | { kind: 'result'; id: number; ok: true; json: string; durationMs: number }
  | { kind: 'result'; id: number; ok: false; message: string; stack?: string; durationMs: number }

const { entry, functionName } = workerData as { entry: string; functionName: string }
const port = parentPort!
let previousKeys: string[] = []
process.env = readableEnv(process.env)

/**
 * process.env with its reads answered from a copy: @cloudbase/node-sdk reads some twenty variables several times
 * per request (getCloudbaseContext), and each read of Node's own env object crosses into C++ and makes a new
 * string. Every write and delete still goes to Node's object first, so its rules hold unchanged (values become
 * strings, symbols are refused, and whatever else Node does on a write still happens), and the copy takes what Node
 * stored. Child processes inherit the copy, which holds the same.
 */
function readableEnv(native: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return new Proxy(
    { ...native },
    {
      set(copy, key, value) {
        ;(native as unknown as Record<PropertyKey, unknown>)[key] = value
        copy[key as string] = native[key as string]
        return true
      },
      defineProperty(copy, key, descriptor) {
        Object.defineProperty(native, key, descriptor)
        copy[key as string] = native[key as string]
        return true
      },
      deleteProperty(copy, key) {
        delete (native as unknown as Record<PropertyKey, unknown>)[key]
        delete copy[key as string]
        return true
      },
    },
  )
}

const started = performance.now()
let handler: (event: unknown, context: unknown) => unknown
try {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(entry)
  handler = mod.main
  if (typeof handler !== 'function')
    throw new Error(`${functionName}: index.js must export an async function main(event, context)`)
  port.postMessage({ kind: 'ready', coldStartMs: performance.now() - started } satisfies WorkerReply)
} catch (e) {
  port.postMessage({ kind: 'load-error', message: (e as Error).stack ?? String(e) } satisfies WorkerReply)
}

port.on('message', async (msg: InvokeMessage) => {
  for (const key of previousKeys) delete process.env[key]
  Object.assign(process.env, msg.invocationEnv)
  previousKeys = Object.keys(msg.invocationEnv)
  const context = {
    request_id: msg.requestId,
    function_name: functionName,
    time_limit_in_ms: msg.timeLimitMs,
    memory_limit_in_mb: 256,
    namespace: process.env.SCF_NAMESPACE,
    function_version: '$LATEST',
    environ: Object.entries(msg.invocationEnv)
      .map(([k, v]) => `${k}=${v}`)
      .join(';'),
  }
  const t0 = performance.now()
  try {
    const value = await handler(msg.event, context)
    // WeChat JSON-serialises the return value; undefined comes back as null
    const json = JSON.stringify(value === undefined ? null : value)
    port.postMessage({
      kind: 'result',
      id: msg.id,
      ok: true,
      json,
      durationMs: performance.now() - t0,
    } satisfies WorkerReply)
  } catch (e) {
    const err = e as Error
    port.postMessage({
      kind: 'result',
      id: msg.id,
      ok: false,
      message: err && err.message !== undefined ? err.message : String(e),
      stack: err?.stack,
      durationMs: performance.now() - t0,
    } satisfies WorkerReply)
  }
})
