// The reference login server as a process: `node server/dist/main.js` with WEAUTH_* set (see config.ts).
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
  const server = await startAuthServer({
    config,
    log: (entry) => console.log(JSON.stringify({ time: new Date().toISOString(), ...entry })),
  })
  console.log(`weauth-server listening on ${server.url} (appid ${config.appid}, WeChat API ${config.wechatApiBase})`)
  const stop = () => void server.close().then(() => process.exit(0))
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

void main()
