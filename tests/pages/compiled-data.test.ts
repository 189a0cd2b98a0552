import { readdirSync, readFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { templateFields } from '../../config/compiled-data/template-fields'
import { DIST } from '../helpers/miniprogram'

/**
 * The build reads which node fields each compiled template uses, and the pages send only those
 * (config/compiled-data, src/render/compiled-template-data.ts). A field the reader misses would be missing on
 * screen: the page suites render every compiled state; these tests pin the reader itself.
 */
describe('which fields a compiled template reads', () => {
  // written the way Taro 4.1's compile mode writes them for a weapp (dist/pages/auth/index-templates.wxml)
  const template = (name: string, body: string) => `<template name="tmpl_0_${name}">${body}</template>`

  test('attributes, texts, conditions and event targets, by child position', () => {
    const wxml = template(
      'f1t1',
      '<view class="auth"><view><block wx:if="{{i.cn[0].cn[0].compileIf}}"><image src="{{i.cn[0].cn[0].cn[0].p4}}"></image></block>' +
        '<text>{{i.cn[0].cn[1].cn[0].v}}</text></view>' +
        '<button bindtap="eh" data-sid="{{i.cn[1].sid}}" disabled="{{i.cn[1].p2}}" loading="{{xs.b(i.cn[1].p9,!1)}}"><text>静态</text></button>' +
        '<view class="{{i.cn[2].cl}}" id="{{i.cn[2].uid}}" hover-class="{{xs.b(i.cn[2].p1,\'none\')}}"></view></view>',
    )
    expect(templateFields(wxml, 'page.tsx')).toEqual({
      f1t1: {
        c: {
          0: { c: { 0: { f: ['compileIf'], c: { 0: { f: ['p4'] } } }, 1: { c: { 0: { f: ['v'] } } } } },
          1: { f: ['sid', 'p2', 'p9'] },
          2: { f: ['cl', 'uid', 'p1'] },
        },
      },
    })
  })

  test('a slot (a component rendered by its own template) is read whole, and nothing under it is cut', () => {
    const wxml = template(
      'f1t0',
      '<view><text class="title">登录成功</text><template is="{{xs.a(c, i.cn[0].nn, l)}}" data="{{i:i.cn[0],c:c+1,l:xs.f(l,i.cn[0].nn)}}" /></view>',
    )
    expect(templateFields(wxml, 'page.tsx')).toEqual({ f1t0: { c: { 0: { all: 1 } } } })
  })

  test('a template with a loop addresses its items through the loop variable: it is kept whole', () => {
    const wxml = template(
      'f2t0',
      '<view><view wx:for="{{i.cn[0].cn}}" wx:key="sid"><text>{{item.cn[0].v}}</text></view></view>',
    )
    expect(templateFields(wxml, 'list.tsx')).toEqual({ f2t0: { all: 1 } })
  })

  test('an expression the reader does not know fails the build and names the template', () => {
    const wxml = template('f3t0', '<view hover-class="{{logic.hoverClass(i.cn[0].p1)}}"></view>')
    expect(() => templateFields(wxml, 'src/pages/x/index.tsx')).toThrow(
      /src\/pages\/x\/index\.tsx: template tmpl_0_f3t0 .*\{\{logic\.hoverClass\(i\.cn\[0\]\.p1\)\}\}/,
    )
  })

  /** every .js file of a build, as one text */
  const scriptsOf = (dir: string): string =>
    readdirSync(dir, { withFileTypes: true })
      .map((entry) => {
        const path = join(dir, entry.name)
        if (entry.isDirectory()) return scriptsOf(path)
        return entry.name.endsWith('.js') ? readFileSync(path, 'utf8') : ''
      })
      .join('\n')

  // both weapp builds the page suites run (scripts/test.mjs): every template their pages compiled is read, and
  // registered by the page's code (else its nodes would travel whole: correct, only heavier)
  test.each([
    ['cloud', DIST],
    ['http', join(__dirname, '..', '..', 'test-output', 'weapp-http')],
  ])('every compiled template of the %s build is understood and registered', (_name, dist) => {
    const pages = join(dist, 'pages')
    const files = readdirSync(pages)
      .map((page) => join(pages, page, 'index-templates.wxml'))
      .filter((file) => existsSync(file))
    expect(files.length).toBeGreaterThan(0)
    const scripts = scriptsOf(dist)
    for (const file of files) {
      const names = Object.keys(templateFields(readFileSync(file, 'utf8'), file))
      expect(names.length).toBeGreaterThan(0)
      for (const name of names) expect(scripts).toMatch(new RegExp(`["']?${name}["']?:\\{`))
    }
  })
})
