import { Worker } from 'node:worker_threads'
import { existsSync, readdirSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join, resolve } from 'node:path'
import { randomUUID } from 'node:crypto'
import { CloudError } from '../core/errors'
import type { ServiceContext } from '../core/context'
import { readFunctionConfig, type FunctionConfig } from './config'
import type { FunctionCredentials } from './credentials'
import { scfEnvironment } from './scf-environment'
import type { EmulatorService } from '../core/lifecycle'
import type { InvokeMessage, WorkerReply } from './worker'
import { FunctionLogs, type FunctionLogMode } from './function-logs'

/** Who triggered an invocation; becomes getWXContext() inside the function. */
export interface InvocationIdentity {
  openid?: string
  appid?: string
  unionid?: string
  /** 跨账号调用 (资源复用): the calling mini program's appid, its user's openid and unionid (FROM_* in getWXContext) */
  fromAppid?: string
  fromOpenid?: string
  fromUnionid?: string
  clientIp?: string
  /** TCB_SOURCE: 'wx_client' from the mini program, 'wx_client,scf' from a function called by a function, 'wx_devtools' ... */
  source: string
}

export interface InvocationResult {
  result: unknown
  requestId: string
  durationMs: number
  coldStartMs?: number
}

interface Instance {
  worker: Worker
  busy: boolean
  ready: Promise<number>
}

interface Pool {
  name: string
  dir: string
  config: FunctionConfig
  instances: Instance[]
  waiting: Array<() => void>
}

const NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,59}$/ // WeChat: letters, digits, _ and -, up to 60 chars

// The compiled worker; under Jest the runner itself may be loaded from TypeScript sources.
const WORKER_FILE = __filename.endsWith('.ts')
  ? resolve(__dirname, '../../dist/functions/worker.js')
  : join(__dirname, 'worker.js')

/**
 * Instances per function before requests queue: one per core, at least 2 (so concurrent calls still overlap).
 * More busy threads than cores only oversubscribe the CPU, and each instance compiles the SDK's hot code on its
 * own: measured on 2 cores (1,000 first logins, 50 at a time), 2 instances used 11-13 ms of CPU per login where
 * 4 used 19-21, and served more logins per second.
 */
export const DEFAULT_MAX_INSTANCES = Math.max(2, availableParallelism())

export interface RunnerOptions {
  functionsDir: string
  /** instances per function before requests queue (WeChat scales far higher; see docs/emulator/functions.md) */
  maxInstances?: number
  /** credentials the functions' wx-server-sdk signs admin requests with; maps back to the function name */
  credentials: FunctionCredentials
  /** echo what functions print (default) or only keep it, see function-logs.ts */
  logs?: FunctionLogMode
}

/**
 * The per-invocation API token (WX_API_TOKEN) WeChat gives each invocation and wx-server-sdk sends along with
 * every 云调用 as `wxCloudApiToken` (@cloudbase/node-sdk utils/wxCloudToken): it ties an open-API call to the
 * user who triggered the invocation, which is how cloud.getOpenData resolves only that user's CloudIDs.
 * getWXContext() never shows it (wx-server-sdk keeps API_TOKEN out of the context).
 */
const invocationTokens = new Map<string, { openid?: string; functionName: string }>()

/** Who triggered the invocation an admin request's `wxCloudApiToken` belongs to, while it runs. */
export function invocationOf(token: unknown): { openid?: string; functionName: string } | undefined {
  return typeof token === 'string' ? invocationTokens.get(token) : undefined
}

/** Runs the real compiled cloud functions, one invocation at a time per worker-thread instance, like SCF. */
export class FunctionRunner implements EmulatorService {
  private pools = new Map<string, Pool>()
  private readonly maxInstances: number
  /** what the functions printed, per function (WeChat's cloud console log) */
  readonly logs: FunctionLogs

  constructor(
    private readonly ctx: ServiceContext,
    private readonly options: RunnerOptions,
  ) {
    this.maxInstances = options.maxInstances ?? DEFAULT_MAX_INSTANCES
    this.logs = new FunctionLogs(options.logs)
  }

  configOf(name: string): FunctionConfig {
    return this.pool(name).config
  }

  /** The function the console's message-push table sends <MsgType, Event> to, if any. */
  pushTarget(msgType: string, event: string): string | undefined {
    if (!existsSync(this.options.functionsDir)) return undefined
    for (const name of readdirSync(this.options.functionsDir)) {
      if (!NAME_PATTERN.test(name) || !existsSync(join(this.options.functionsDir, name, 'index.js'))) continue
      const routes = this.configOf(name).messagePush
      if (routes.some((r) => r.msgType === msgType && r.event === event)) return name
    }
    return undefined
  }

  async invoke(name: string, event: unknown, identity: InvocationIdentity): Promise<InvocationResult> {
    if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
      throw new CloudError('INVALID_PARAM', `invalid function name: ${JSON.stringify(name)}`)
    }
    await this.ctx.faults.apply('functions', name)
    const pool = this.pool(name)
    this.ctx.count(`functions.invoke.${name}`)
    const { instance, cold } = await this.acquire(pool)
    let coldStartMs: number | undefined
    try {
      const ms = await instance.ready
      if (cold) coldStartMs = ms
      return { ...(await this.run(pool, instance, event, identity)), coldStartMs }
    } finally {
      this.release(pool, instance)
    }
  }

  /** Terminates every instance; the next invocation cold-starts. */
  async close(): Promise<void> {
    const all = [...this.pools.values()].flatMap((p) => p.instances)
    this.pools.clear()
    await Promise.all(all.map((i) => i.worker.terminate()))
  }

  private pool(name: string): Pool {
    let pool = this.pools.get(name)
    if (pool) return pool
    const dir = join(this.options.functionsDir, name)
    if (!existsSync(join(dir, 'index.js'))) {
      // WeChat: errCode -501000 [ResourceNotFound.Function] FunctionName parameter could not be found
      throw new CloudError(
        'FUNCTIONS_NOT_FOUND',
        `[ResourceNotFound.Function] FunctionName parameter could not be found. (${name})`,
      )
    }
    pool = { name, dir, config: readFunctionConfig(dir), instances: [], waiting: [] }
    this.pools.set(name, pool)
    return pool
  }

  private async acquire(pool: Pool): Promise<{ instance: Instance; cold: boolean }> {
    for (;;) {
      const idle = pool.instances.find((i) => !i.busy)
      if (idle) {
        idle.busy = true
        return { instance: idle, cold: false }
      }
      if (pool.instances.length < this.maxInstances) {
        const instance = this.spawn(pool)
        instance.busy = true
        pool.instances.push(instance)
        return { instance, cold: true }
      }
      await new Promise<void>((resolve) => pool.waiting.push(resolve))
    }
  }

  private release(pool: Pool, instance: Instance): void {
    instance.busy = false
    pool.waiting.shift()?.()
  }

  private spawn(pool: Pool): Instance {
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      ...pool.config.envVariables,
      ...scfEnvironment({
        envId: this.ctx.envId,
        baseUrl: this.ctx.baseUrl,
        functionName: pool.name,
        credential: this.options.credentials.issue(pool.name),
      }),
    }
    const worker = new Worker(WORKER_FILE, {
      workerData: { entry: join(pool.dir, 'index.js'), functionName: pool.name },
      env,
      // the worker's console goes to the function log, as SCF captures it, instead of straight to this process
      stdout: true,
      stderr: true,
    })
    this.logs.attach(pool.name, 'stdout', worker.stdout)
    this.logs.attach(pool.name, 'stderr', worker.stderr)
    worker.unref()
    const ready = new Promise<number>((resolveReady, rejectReady) => {
      const onMessage = (msg: WorkerReply) => {
        if (msg.kind === 'ready') resolveReady(msg.coldStartMs)
        else if (msg.kind === 'load-error')
          rejectReady(new CloudError('FUNCTIONS_EXECUTE_FAIL', `function ${pool.name} failed to load: ${msg.message}`))
        else return
        worker.off('message', onMessage)
      }
      worker.on('message', onMessage)
      worker.once('error', (e) => rejectReady(new CloudError('FUNCTIONS_EXECUTE_FAIL', e.message)))
    })
    ready.catch(() => this.discard(pool, worker))
    return { worker, busy: false, ready }
  }

  private discard(pool: Pool, worker: Worker): void {
    pool.instances = pool.instances.filter((i) => i.worker !== worker)
    void worker.terminate()
    pool.waiting.shift()?.()
  }

  private run(pool: Pool, instance: Instance, event: unknown, identity: InvocationIdentity): Promise<InvocationResult> {
    const requestId = randomUUID()
    // TCB_CONTEXT_KEYS names the TCB_* variables @cloudbase/node-sdk reads per invocation (SCF sets it so): the SDK
    // forwards TCB_SOURCE as X-TCB-Source, which gives a function called by this one its SOURCE chain
    const invocationEnv: Record<string, string> = {
      WX_CONTEXT_KEYS: '',
      TCB_CONTEXT_KEYS: 'TCB_ENV,TCB_SOURCE',
      TCB_SOURCE: identity.source,
    }
    const keys: string[] = []
    const put = (key: string, value: string | undefined) => {
      if (value === undefined) return
      invocationEnv[key] = value
      keys.push(key)
    }
    put('WX_OPENID', identity.openid)
    put('WX_APPID', identity.appid)
    put('WX_UNIONID', identity.unionid)
    put('WX_FROM_APPID', identity.fromAppid)
    put('WX_FROM_OPENID', identity.fromOpenid)
    put('WX_FROM_UNIONID', identity.fromUnionid)
    put('WX_CLIENTIP', identity.clientIp)
    const apiToken = randomUUID()
    put('WX_API_TOKEN', apiToken)
    invocationTokens.set(apiToken, { openid: identity.openid ?? identity.fromOpenid, functionName: pool.name })
    invocationEnv.WX_CONTEXT_KEYS = keys.join(',')
    const timeLimitMs = pool.config.timeoutMs
    const message: InvokeMessage = { id: 1, event, invocationEnv, requestId, timeLimitMs }
    return new Promise<InvocationResult>((resolveRun, rejectRun) => {
      const timer = setTimeout(() => {
        cleanup()
        // SCF kills the instance on timeout; the next call cold-starts a new one
        this.discard(pool, instance.worker)
        rejectRun(
          new CloudError(
            'FUNCTIONS_TIME_LIMIT_EXCEEDED',
            `Invoking task timed out after ${timeLimitMs / 1000} seconds`,
          ),
        )
      }, timeLimitMs)
      const onMessage = (msg: WorkerReply) => {
        if (msg.kind !== 'result') return
        cleanup()
        if (msg.ok) resolveRun({ result: JSON.parse(msg.json), requestId, durationMs: msg.durationMs })
        else rejectRun(new CloudError('FUNCTIONS_EXECUTE_FAIL', `Error: ${msg.message}`))
      }
      const onExit = () => {
        cleanup()
        this.discard(pool, instance.worker)
        rejectRun(new CloudError('FUNCTIONS_EXECUTE_FAIL', 'function instance exited unexpectedly'))
      }
      const cleanup = () => {
        invocationTokens.delete(apiToken)
        clearTimeout(timer)
        instance.worker.off('message', onMessage)
        instance.worker.off('exit', onExit)
      }
      instance.worker.on('message', onMessage)
      instance.worker.once('exit', onExit)
      instance.worker.postMessage(message)
    })
  }
}
