import type { ClientReply } from '../http/client-reply'

/** How a simulated WeChat client reaches the emulator: one call per action, identity bound to the device token. */
export type ClientTransport = (action: string, params: Record<string, unknown>) => Promise<ClientReply>

/** Over HTTP (the browser playground, other processes); uses the platform's fetch. */
export function httpTransport(baseUrl: string, token: string): ClientTransport {
  return async (action, params) => {
    let res: Response
    try {
      res = await fetch(`${baseUrl}/client/${action}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-weauth-token': token },
        body: JSON.stringify(params),
      })
    } catch (e) {
      return { ok: false, errCode: -1, errMsg: `request:fail ${(e as Error).message}`, code: 'NETWORK' }
    }
    return (await res.json()) as ClientReply
  }
}

/** In the same process as the emulator (Jest): the same dispatch and JSON round trip, no socket. */
export function inProcessTransport(
  emulator: { client: (action: string, token: string, params: Record<string, unknown>) => Promise<ClientReply> },
  token: string,
): ClientTransport {
  return (action, params) => emulator.client(action, token, params)
}
