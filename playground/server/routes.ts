import type { IncomingMessage, ServerResponse } from 'node:http'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { sendFile } from './static-files'

export interface PlaygroundDirs {
  /** the Taro H5 build (dist-h5/), served under /app/ (config/index.ts sets that publicPath) */
  app: string
  /** the control panel's page and styles (playground/public/) */
  panel: string
  /** the browser bundles: panel.js and device.js (playground/dist/public/) */
  bundles: string
}

/**
 * The playground's pages, tried before the emulator's own routes on the same port (startEmulator's
 * httpHandlers): `/` the control panel, `/playground/*` its assets and the simulated phone's script, `/app/*`
 * the app. Everything else (/client, /control, /storage, /admin) is the emulator's.
 */
export function playgroundRoutes(dirs: PlaygroundDirs, controlToken: string) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false
    const { pathname } = new URL(req.url ?? '/', 'http://playground')
    if (pathname === '/' || pathname === '/index.html') return sendPanel(res, dirs.panel, controlToken, req.method)
    if (pathname === '/favicon.ico') {
      res.writeHead(204).end() // browsers ask; the emulator would answer 405
      return true
    }
    if (pathname.startsWith('/playground/')) {
      const file = pathname.slice('/playground/'.length)
      return (await sendFile(res, dirs.bundles, file, req.method)) || sendFile(res, dirs.panel, file, req.method)
    }
    if (pathname === '/app') {
      res.writeHead(301, { location: '/app/' }).end()
      return true
    }
    if (pathname.startsWith('/app/')) {
      const file = pathname.slice('/app/'.length) || 'index.html'
      if (await sendFile(res, dirs.app, file, req.method)) return true
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`not in the H5 build: ${pathname}`)
      return true
    }
    return false
  }
}

/**
 * The control panel's page with this run's control token in a meta tag: the panel sends it with every control
 * request. Only a page of this origin can read it (the emulator refuses other Host names, so a rebinding page
 * cannot load it), and it is never served as a script another site could include.
 */
async function sendPanel(res: ServerResponse, dir: string, controlToken: string, method: string): Promise<boolean> {
  const html = (await readFile(join(dir, 'index.html'), 'utf8')).replace(
    '</head>',
    `  <meta name="weauth-control-token" content="${controlToken.replace(/[^A-Za-z0-9_-]/g, '')}" />\n  </head>`,
  )
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
  })
  res.end(method === 'HEAD' ? undefined : html)
  return true
}
