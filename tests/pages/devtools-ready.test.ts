/**
 * What WeChat DevTools and old WeChat clients get from the weapp build (dist/, and the http-provider twin when
 * it was built): syntax every supported JavaScript engine parses, one project.config.json, a sitemap that keeps
 * the account pages out of WeChat search, and privacy declarations that match what the code calls.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { parse } from 'acorn'
import { DIST } from '../helpers/miniprogram'

const ROOT = join(__dirname, '..', '..')
/** babel.config.js builds the weapp for ES2015 engines (iOS 10 JavaScriptCore, Chrome 53 WebViews) */
const ECMA_VERSION = 2015
const BUILDS = [DIST, join(ROOT, 'test-output', 'weapp-http')].filter((dir) => existsSync(join(dir, 'app.json')))

const filesUnder = (dir: string, ext: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return filesUnder(path, ext)
    return path.endsWith(ext) ? [path] : []
  })

const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'))

/** every page of app.json, main package and subpackages, as "root/path" */
const pagesOf = (app: { pages: string[]; subPackages?: Array<{ root: string; pages: string[] }> }) => [
  ...app.pages,
  ...(app.subPackages ?? []).flatMap((sub) => sub.pages.map((page) => `${sub.root.replace(/\/$/, '')}/${page}`)),
]

describe('the weapp build as WeChat DevTools imports it', () => {
  test('dist/ was built', () => {
    expect(BUILDS).toContain(DIST)
  })

  test.each(BUILDS.map((dir) => [relative(ROOT, dir)]))(
    `every JavaScript file of %s parses as ES${ECMA_VERSION} (no ?. ?? async or object spread)`,
    (dir) => {
      const files = filesUnder(join(ROOT, dir), '.js')
      expect(files.length).toBeGreaterThan(3)
      const failures = files.flatMap((file) => {
        const source = readFileSync(file, 'utf8')
        try {
          parse(source, { ecmaVersion: ECMA_VERSION, sourceType: 'script' })
          return []
        } catch (e) {
          const pos = (e as { pos?: number }).pos ?? 0
          return [
            `${relative(ROOT, file)}: ${(e as Error).message} near ${JSON.stringify(source.slice(pos - 40, pos + 20))}`,
          ]
        }
      })
      expect(failures).toEqual([])
    },
  )

  test('the check itself rejects newer syntax', () => {
    for (const newer of ['a?.b', 'a ?? b', 'async function f() {}', 'const o = { ...p }', '2 ** 3']) {
      expect(() => parse(newer, { ecmaVersion: ECMA_VERSION, sourceType: 'script' })).toThrow()
    }
  })

  test('one project.config.json: the repository root, pointing at dist/ and the cloud-function folders', () => {
    expect(existsSync(join(DIST, 'project.config.json'))).toBe(false)
    const config = json(join(ROOT, 'project.config.json'))
    expect(config.miniprogramRoot).toBe('dist/')
    expect(config.cloudfunctionRoot).toEqual(expect.stringMatching(/^[\w-]+\/$/))
    // DevTools lowers ES2015 to ES5 on upload too, for the oldest engines
    expect(config.setting.es6).toBe(true)
  })

  test('sitemap.json lets WeChat search index the home page only', () => {
    const app = json(join(DIST, 'app.json'))
    expect(app.sitemapLocation).toBe('sitemap.json')
    const { rules } = json(join(DIST, 'sitemap.json')) as { rules: Array<{ action: string; page: string }> }
    // rules match in order, the first hit decides
    const indexed = (page: string) => rules.find((r) => r.page === page || r.page === '*')?.action === 'allow'
    const pages = pagesOf(app)
    expect(pages.filter(indexed)).toEqual(['pages/index/index'])
    for (const page of pages.filter((p) => /auth|user|privacy|agreement|scopes/.test(p)))
      expect(indexed(page)).toBe(false)
  })

  test('requiredPrivateInfos declares exactly the location APIs the pages call', () => {
    // the APIs WeChat makes declarable (https://developers.weixin.qq.com/miniprogram/dev/reference/configuration/app.html#requiredPrivateInfos)
    const DECLARABLE = [
      'getFuzzyLocation',
      'getLocation',
      'onLocationChange',
      'startLocationUpdate',
      'startLocationUpdateBackground',
      'chooseLocation',
      'choosePoi',
      'chooseAddress',
    ]
    const sources = filesUnder(join(ROOT, 'src'), '.tsx')
      .concat(filesUnder(join(ROOT, 'src'), '.ts'))
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n')
    const called = DECLARABLE.filter((api) => new RegExp(`Taro\\.${api}\\(`).test(sources)).sort()
    expect(called.length).toBeGreaterThan(0)
    expect([...json(join(DIST, 'app.json')).requiredPrivateInfos].sort()).toEqual(called)
  })
})
