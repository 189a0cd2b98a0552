import { CloudError, TCB_ERR_CODE, type TcbCode } from './errors'
import type { EmulatorService } from './lifecycle'

/**
 * Fault injection, configurable per test: latency, errors and timeouts on any emulated service.
 *
 * A rule matches a service and (optionally) an action name; each matching request first waits `latencyMs`,
 * then, while `times` lasts (default: forever), fails with the rule's error instead of running.
 */
export type FaultService = 'database' | 'storage' | 'openapi' | 'functions' | 'auth'
const SERVICES = new Set<string>(['database', 'storage', 'openapi', 'functions', 'auth'])

export interface FaultRule {
  service: FaultService
  /** e.g. 'database.insertDocument', 'phonenumber.getPhoneNumber', a function name; omitted = every action */
  action?: string
  latencyMs?: number
  /** TCB error to raise (reaches the caller with WeChat's errCode) */
  error?: { code: TcbCode; message?: string }
  /** open-API errors are WeChat errcodes (e.g. 40029), not TCB codes */
  wxErrcode?: { errcode: number; errmsg: string }
  /** how many matching requests the rule affects; undefined = all */
  times?: number
  /** how many matching requests pass untouched before the rule applies (a crash at the n-th step); default 0 */
  after?: number
}

export class FaultInjector implements EmulatorService {
  private rules: FaultRule[] = []

  add(rule: FaultRule): void {
    // rules also arrive as JSON (POST /control/faults.add): check every field, so a typo fails loudly
    if (typeof rule !== 'object' || rule === null) throw new RangeError('a fault rule must be an object')
    if (!SERVICES.has(rule.service))
      throw new RangeError(`fault rule service must be one of ${[...SERVICES].join(', ')}`)
    if (rule.action !== undefined && (typeof rule.action !== 'string' || !rule.action))
      throw new RangeError('fault rule action must be a non-empty string')
    if (
      rule.error !== undefined &&
      !(typeof rule.error === 'object' && rule.error !== null && rule.error.code in TCB_ERR_CODE)
    ) {
      throw new RangeError(
        'fault rule error.code must be a TCB code such as DATABASE_REQUEST_FAILED (emulator/src/errors.ts)',
      )
    }
    if (
      rule.wxErrcode !== undefined &&
      !(Number.isInteger(rule.wxErrcode?.errcode) && typeof rule.wxErrcode?.errmsg === 'string')
    ) {
      throw new RangeError('fault rule wxErrcode must be { errcode: integer, errmsg: string }')
    }
    if (rule.after !== undefined && (!Number.isInteger(rule.after) || rule.after < 0)) {
      throw new RangeError('fault rule after must be a whole number of requests')
    }
    if (rule.times !== undefined && (!Number.isInteger(rule.times) || rule.times < 1)) {
      throw new RangeError('fault rule times must be a positive integer')
    }
    if (
      rule.latencyMs !== undefined &&
      !(typeof rule.latencyMs === 'number' && rule.latencyMs >= 0 && rule.latencyMs <= 600_000)
    ) {
      throw new RangeError('fault rule latencyMs must be a number of milliseconds, 0 to 600000')
    }
    this.rules.push({ ...rule })
  }

  clear(): void {
    this.rules = []
  }

  async reset(): Promise<void> {
    this.clear()
  }

  list(): readonly FaultRule[] {
    return this.rules
  }

  /**
   * Applies the first matching rule: waits its latency and returns it (so services with their own error
   * vocabulary, like open-API errcodes, can act on it); throws a CloudError for TCB errors.
   */
  async apply(service: FaultService, action: string): Promise<FaultRule | undefined> {
    const index = this.rules.findIndex((r) => r.service === service && (r.action === undefined || r.action === action))
    if (index < 0) return undefined
    const rule = this.rules[index]
    if (rule.after) {
      rule.after -= 1
      return undefined
    }
    if (rule.times !== undefined) {
      rule.times -= 1
      if (rule.times === 0) this.rules.splice(index, 1)
    }
    if (rule.latencyMs) await new Promise((resolve) => setTimeout(resolve, rule.latencyMs))
    if (rule.error) throw new CloudError(rule.error.code, rule.error.message ?? `injected fault on ${action}`)
    return rule
  }
}
