import { CloudError } from '../core/errors'

/** What the client and control APIs answer: the action's fields with ok: true, or WeChat's error. */
export type ClientReply =
  | ({ ok: true } & Record<string, unknown>)
  | { ok: false; errCode: number; errMsg: string; code: string }

/** Values cross the emulator boundary as JSON, in process too, so nothing relies on shared object identity. */
export function roundTrip<T>(value: T): T {
  return JSON.parse(JSON.stringify(value))
}

export function asCloudError(e: unknown): CloudError {
  return e instanceof CloudError ? e : new CloudError('SYS_ERR', (e as Error)?.message ?? String(e))
}

export async function clientReply(run: () => Promise<Record<string, unknown>>): Promise<ClientReply> {
  try {
    return roundTrip({ ok: true as const, ...(await run()) })
  } catch (e) {
    const err = asCloudError(e)
    return { ok: false, errCode: err.errCode, errMsg: err.message, code: err.code }
  }
}
