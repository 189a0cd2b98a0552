import type { ServiceContext, ActionTable } from './context'
import type { FaultInjector } from './faults'
import type { WeChatAccounts } from '../accounts'
import type { FunctionRunner } from '../functions/runner'
import type { EmulatedDatabase } from '../database'
import type { EmulatedStorage } from '../cloud-storage'
import type { EmulatedOpenApi } from '../cloud-openapi'

/** Everything one running emulator is made of; the HTTP APIs and tests reach the services through it. */
export interface Services {
  ctx: ServiceContext
  faults: FaultInjector
  accounts: WeChatAccounts
  functions: FunctionRunner
  database: EmulatedDatabase
  storage: EmulatedStorage
  openapi: EmulatedOpenApi
  /** database + storage + open-API actions by TCB action name */
  actions: ActionTable
  /** maps the credentials each function instance signs with back to the function's name */
  functionNameForSecretId: (secretId: string) => string | undefined
  counters: Map<string, number>
}
