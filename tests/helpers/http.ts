import { request } from 'node:http'

export interface HttpReply {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
  /** the body parsed as JSON, or undefined when it is not JSON */
  json: any
}

/** One HTTP request with node:http (works under both Jest environments, unlike the global fetch). */
export function http(
  url: string,
  options: {
    method?: string
    body?: unknown
    rawBody?: string | Buffer
    headers?: Record<string, string>
    token?: string
  } = {},
): Promise<HttpReply> {
  const payload =
    typeof options.rawBody === 'string'
      ? Buffer.from(options.rawBody)
      : options.rawBody !== undefined
        ? options.rawBody
        : options.body !== undefined
          ? Buffer.from(JSON.stringify(options.body))
          : undefined
  const headers: Record<string, string> = {
    ...(payload && options.rawBody === undefined ? { 'content-type': 'application/json' } : {}),
    ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    ...options.headers,
  }
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? (payload ? 'POST' : 'GET'), headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        let json: unknown
        try {
          json = JSON.parse(text)
        } catch {
          json = undefined
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json })
      })
    })
    req.on('error', reject)
    req.end(payload)
  })
}
