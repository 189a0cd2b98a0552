// The server as a process: `node server/dist/main.js` with WEAUTH_* set (see config.ts).
import { ConfigError, loadConfig } from './config'
import { startAuthServer } from './index'

async function main(): Promise<void> {
  let config
  try {
    config = loadConfig()
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`weauth-server: ${e.message}`)
      process.exit(2)
    }
    throw e
  }
  let server
  try {
    server = await startAuthServer({ config })
  } catch (e) {
    console.error(`weauth-server: cannot start: ${(e as Error).message}`)
    process.exit(1)
  }
  console.log(
    `weauth-server listening on ${server.url} (appid ${config.appid}, database ${config.database.kind}, WeChat API ${config.wechatApiBase})`,
  )
  const stop = () => void server.close().then(() => process.exit(0))
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

void main()
