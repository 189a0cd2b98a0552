// `npm run contract -- --url <server> --emulator <emulator> [--token <control token>] [--push-token <Token>]`: the black-box contract
// suite of server/openapi.yaml (tests/server/contract.test.ts) against any login server whose WeChat API
// base is the emulator (`node emulator/dist/cli.js` prints its URL and control token). Without --url it
// runs against the reference server, as npm test does.
import { spawnSync } from 'node:child_process'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const option = (name) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : undefined
}
const env = { ...process.env, NODE_ENV: 'test' }
if (option('url')) {
  if (!option('emulator')) {
    console.error('contract: --emulator <url> is required with --url (the WeChat API base the server uses)')
    process.exit(2)
  }
  env.WEAUTH_CONTRACT_URL = option('url')
  env.WEAUTH_CONTRACT_EMULATOR_URL = option('emulator')
  env.WEAUTH_CONTRACT_EMULATOR_TOKEN = option('token') ?? process.env.WEAUTH_CONTRACT_EMULATOR_TOKEN ?? ''
  // the Token the server checks WeChat's message-push signatures with (its 消息推送 Token)
  env.WEAUTH_CONTRACT_PUSH_TOKEN = option('push-token') ?? process.env.WEAUTH_CONTRACT_PUSH_TOKEN ?? ''
}
const jest = join(root, 'node_modules', '.bin', 'jest')
const result = spawnSync(jest, ['tests/server/contract.test.ts', '--verbose'], { cwd: root, stdio: 'inherit', env })
process.exit(result.status ?? 1)
