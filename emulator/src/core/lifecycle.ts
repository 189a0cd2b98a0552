import type { IncomingMessage, ServerResponse } from 'node:http'
import type { ActionTable } from './context'

/**
 * The one shape every emulated service has (Firebase's EmulatorInstance idea): it is opened once with the
 * shared context, may answer TCB actions by name and serve URLs of its own, can be put back to a fresh state,
 * and is closed when the emulator stops. `server.ts` opens them from one list, in order, and closes them in
 * reverse; nothing else wires services together.
 */
export interface EmulatorService {
  /** TCB API actions this service answers (`database.getDocument`, `wx.openApi`, ...) */
  readonly actions?: ActionTable
  /** serves the URLs this service owns; resolves false for any other request */
  http?(req: IncomingMessage, res: ServerResponse): Promise<boolean>
  /** wipes the service's data and state, as a fresh start would leave it */
  reset?(): Promise<void>
  /** releases files, workers and timers; the service is not used afterwards */
  close?(): Promise<void>
}
