import { CloudError, type TcbCode } from './errors'

/**
 * Fault injection, configurable per test: latency, errors and timeouts on any emulated service.
 *
 * A rule matches a service and (optionally) an action name; each matching request first waits `latencyMs`,
 * then, while `times` lasts (default: forever), fails with the rule's error instead of running.
 */
export type FaultService = 'database' | 'storage' | 'openapi' | 'functions' | 'auth'

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
}

export class FaultInjector {
  private rules: FaultRule[] = []

  add(rule: FaultRule): void {
    if (rule.times !== undefined && (!Number.isInteger(rule.times) || rule.times < 1)) {
      throw new RangeError('fault rule times must be a positive integer')
    }
    if (rule.latencyMs !== undefined && !(rule.latencyMs >= 0)) {
      throw new RangeError('fault rule latencyMs must be >= 0')
    }
    this.rules.push({ ...rule })
  }

  clear(): void {
    this.rules = []
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
    if (rule.times !== undefined) {
      rule.times -= 1
      if (rule.times === 0) this.rules.splice(index, 1)
    }
    if (rule.latencyMs) await new Promise((resolve) => setTimeout(resolve, rule.latencyMs))
    if (rule.error) throw new CloudError(rule.error.code, rule.error.message ?? `injected fault on ${action}`)
    return rule
  }
}
