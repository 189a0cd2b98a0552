import { readFileSync } from 'node:fs'

/**
 * The pages of a mini program from its app.json: `pages` plus `<root>/<page>` of each subpackage
 * (`subPackages` or `subpackages`), https://developers.weixin.qq.com/miniprogram/dev/reference/configuration/app.html.
 * What wxacode.getUnlimited's check_path treats as "已经发布的小程序存在的页面".
 */
export function pagesOfAppJson(file: string): string[] {
  let app: unknown
  try {
    app = JSON.parse(readFileSync(file, 'utf8'))
  } catch (e) {
    throw new Error(`app.json ${file} cannot be read: ${(e as Error).message}`)
  }
  const config = app as { pages?: unknown; subPackages?: unknown; subpackages?: unknown }
  const strings = (v: unknown): string[] =>
    Array.isArray(v) ? v.filter((p): p is string => typeof p === 'string') : []
  const pages = strings(config.pages)
  const subpackages = Array.isArray(config.subPackages) ? config.subPackages : config.subpackages
  for (const sub of Array.isArray(subpackages) ? subpackages : []) {
    const root = typeof sub?.root === 'string' ? sub.root.replace(/\/+$/, '') : ''
    for (const page of strings(sub?.pages)) pages.push(root ? `${root}/${page}` : page)
  }
  if (pages.length === 0) throw new Error(`app.json ${file} lists no pages`)
  return pages
}
