/**
 * Each weapp build carries the one backend it was built for (TARO_APP_AUTH_PROVIDER, src/services/backend/index.ts):
 * the cloud build (dist/) no http client, the http build (test-output/weapp-http/) no cloud calls. The choice is a
 * build-time constant, so the other backend's code must leave the bundle, not just go unused: the main package's
 * size goal (bench/budget.json) counts every byte of it.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { DIST } from '../helpers/miniprogram'
import { HTTP_WEAPP_DIST } from '../helpers/http-auth'

const scriptsUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return scriptsUnder(path)
    return path.endsWith('.js') ? [path] : []
  })

/** the built scripts (main package and subpackages) that contain any of the markers */
function carrying(dir: string, markers: RegExp): string[] {
  return scriptsUnder(dir)
    .filter((file) => markers.test(readFileSync(file, 'utf8')))
    .map((file) => relative(dir, file))
}

// what only the http backend holds (src/services/backend/http-*.ts): its endpoints and its bearer header
const HTTP_BACKEND = /\/auth\/(login|refresh|logout|phone-login)|Bearer /
// what only the cloud backend and the app's cloud setup hold: wx.cloud calls
const CLOUD_BACKEND = /\.cloud\.(init|callFunction|uploadFile|deleteFile)\b|callFunction\(/

describe('each build carries only its own backend', () => {
  test('the cloud build (dist/) signs in through WeChat Cloud and holds no http client', () => {
    expect(existsSync(join(DIST, 'app.json'))).toBe(true)
    expect(carrying(DIST, CLOUD_BACKEND).length).toBeGreaterThan(0)
    expect(carrying(DIST, HTTP_BACKEND)).toEqual([])
  })

  test('the http build (test-output/weapp-http/) talks to the login server and holds no cloud calls', () => {
    // built by `npm test` (scripts/test.mjs) next to dist/, as the login journey against the server needs it
    expect(existsSync(join(HTTP_WEAPP_DIST, 'app.json'))).toBe(true)
    expect(carrying(HTTP_WEAPP_DIST, HTTP_BACKEND).length).toBeGreaterThan(0)
    expect(carrying(HTTP_WEAPP_DIST, CLOUD_BACKEND)).toEqual([])
  })
})
