import type { Caller } from './caller'
import type { FaultInjector } from './faults'

/**
 * What every emulated service handler receives. Services register their handlers by action name
 * (the TCB admin API's `action` field, e.g. `database.getDocument`), see `server.ts`.
 */
export interface ServiceContext {
  /** the emulated cloud environment id (TCB_ENV) */
  envId: string
  /** the mini program's appid */
  appid: string
  /** folder for persistent data; undefined = in memory only */
  dataDir: string | undefined
  /** base URL of the emulator's HTTP server, e.g. http://127.0.0.1:54321 */
  baseUrl: string
  faults: FaultInjector
  /** current time in ms; tests may move it (code expiry) */
  now: () => number
  /** counters by name (`database.insertDocument`, `client.callFunction`, ...) for tests and benchmarks */
  count: (name: string, by?: number) => void
}

/** A request body field: JSON values, or a Buffer for multipart file/protobuf parts. */
export type ActionParams = Record<string, unknown>

/**
 * Handles one admin/client action and returns the response body's fields (the server adds `requestId`).
 * Throws CloudError for WeChat-shaped failures.
 */
export type ActionHandler = (caller: Caller, params: ActionParams) => Promise<Record<string, unknown>>

export type ActionTable = Record<string, ActionHandler>
