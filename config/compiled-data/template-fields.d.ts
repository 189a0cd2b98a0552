/** Which node fields a compiled template reads, by child position (see template-fields.js). */
export interface Fields {
  f?: string[]
  c?: Record<string, Fields>
  all?: 1
}
/** template name (the `nn` of its root, e.g. `f1t1`) -> the fields it reads; throws on an expression it does not know */
export function templateFields(wxml: string, where: string): Record<string, Fields>
