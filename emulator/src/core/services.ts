import type { ServiceContext, ActionTable } from './context'
import type { FaultInjector } from './faults'
import type { WeChatAccounts } from '../accounts'
import type { FunctionRunner } from '../functions/runner'
import type { FunctionCredentials } from '../functions/credentials'
import type { EmulatedDatabase } from '../database'
import type { EmulatedStorage } from '../cloud-storage'
import type { EmulatedOpenApi } from '../cloud-openapi'

/**
 * Everything one running emulator is made of, for the HTTP entry points (http/) inside the emulator. Tests and
 * other packages use the public `Emulator` (emulator.ts) instead.
 */
export interface Services {
  ctx: ServiceContext
  faults: FaultInjector
  accounts: WeChatAccounts
  functions: FunctionRunner
  database: EmulatedDatabase
  storage: EmulatedStorage
  openapi: EmulatedOpenApi
  /** every service's TCB actions by name (database + storage + open API) */
  actions: ActionTable
  /** the credentials issued to function instances: which function signed an admin request, with which key */
  credentials: FunctionCredentials
  counters: Map<string, number>
  /** every service back to a fresh state (the control API's reset) */
  reset(): Promise<void>
}

const SERVICES = Symbol.for('weauth.emulator.services')

/** The services behind a public Emulator, for the emulator's own helpers that take either. */
export function servicesOf(target: Services | object): Services {
  const inner = (target as { [SERVICES]?: Services })[SERVICES]
  if (inner) return inner
  if ('ctx' in target && 'actions' in target) return target as Services
  throw new TypeError('not an emulator')
}

/** Ties a public facade to its services without making them visible (non-enumerable, symbol-keyed). */
export function attachServices<T extends object>(facade: T, services: Services): T {
  return Object.defineProperty(facade, SERVICES, { value: services, enumerable: false })
}
