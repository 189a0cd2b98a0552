import type { IncomingMessage } from 'node:http'
import { isIP } from 'node:net'
import { timingSafeEqual } from 'node:crypto'

/**
 * What keeps a web page in the same browser from driving the emulator (the emulator is not part of WeChat, so
 * these rules are the emulator's own):
 * - every request must name the emulator by an IP address or `localhost` (plus any `allowedHosts`) in `Host`, on
 *   its own port: a DNS-rebinding page reaches it under its own domain name and is refused;
 * - the control API (`/control/<op>`) also needs this run's control token in `x-weauth-control-token` (printed at
 *   start, handed to the playground page), a JSON body (text/plain and form posts, which a page may send
 *   cross-origin without asking, are refused), and, from a browser, a same-origin `Origin`.
 */
export const CONTROL_TOKEN_HEADER = 'x-weauth-control-token'

export function hostAllowed(req: IncomingMessage, port: number, allowedHosts: readonly string[]): boolean {
  const host = req.headers.host
  if (typeof host !== 'string') return false
  let url: URL
  try {
    url = new URL(`http://${host}`)
  } catch {
    return false
  }
  if (url.username || url.password || url.pathname !== '/') return false
  if ((url.port === '' ? 80 : Number(url.port)) !== port) return false
  const name = url.hostname.replace(/^\[|\]$/g, '').toLowerCase()
  return name === 'localhost' || isIP(name) !== 0 || allowedHosts.includes(name)
}

/** Why a control request is refused, or undefined when it may run. */
export function controlRefusal(req: IncomingMessage, token: string): string | undefined {
  const mediaType = String(req.headers['content-type'] ?? '')
    .split(';')[0]
    .trim()
    .toLowerCase()
  if (mediaType !== 'application/json') return 'the control API takes application/json bodies only'
  const given = req.headers[CONTROL_TOKEN_HEADER]
  if (typeof given !== 'string' || !sameSecret(given, token))
    return `the control API needs this run's token in ${CONTROL_TOKEN_HEADER} (printed when the emulator starts)`
  const origin = req.headers.origin
  if (origin !== undefined && origin !== `http://${req.headers.host}`)
    return 'cross-origin control requests are refused'
  if (req.headers['sec-fetch-site'] === 'cross-site') return 'cross-site control requests are refused'
  return undefined
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}
