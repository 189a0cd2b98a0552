import jsep from 'jsep'

/**
 * WeChat Cloud database security rules (自定义安全规则): a JSON object whose keys are operations and whose
 * values are `true`, `false` or an expression over `auth` (the caller), `doc` (the document) and `now`.
 *   { "read": "doc._openid == auth.openid", "write": false }
 * `write` stands for `create`, `update` and `delete` unless those are given.
 * Source: https://developers.weixin.qq.com/miniprogram/dev/wxcloud/guide/database/security-rules.html
 *
 * Expressions are parsed with jsep (a small, well-kept JavaScript expression parser); this file only evaluates
 * the subset WeChat rules use: member access, literals, == != === !== < <= > >=, && || !, parentheses.
 */
export type Operation = 'read' | 'create' | 'update' | 'delete'
type Rule = boolean | jsep.Expression
export type SecurityRules = Record<Operation, Rule>

const KEYS = new Set(['read', 'write', 'create', 'update', 'delete'])
const COMPARISONS = new Set(['==', '!=', '===', '!==', '<', '<=', '>', '>='])

export function parseRules(raw: unknown, where: string): SecurityRules {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new Error(`${where}: security rules must be a JSON object`)
  const entries = raw as Record<string, unknown>
  for (const key of Object.keys(entries))
    if (!KEYS.has(key)) throw new Error(`${where}: unknown rule "${key}" (read, write, create, update, delete)`)
  const rule = (key: string): Rule => {
    const value = entries[key]
    if (value === undefined) return false // WeChat: an operation without a rule is refused
    if (typeof value === 'boolean') return value
    if (typeof value !== 'string')
      throw new Error(`${where}: rule "${key}" must be true, false or an expression string`)
    let ast: jsep.Expression
    try {
      ast = jsep(value)
    } catch (e) {
      throw new Error(`${where}: rule "${key}": ${(e as Error).message}`)
    }
    check(ast, `${where}: rule "${key}"`)
    return ast
  }
  const write = rule('write')
  const orWrite = (key: string) => (entries[key] === undefined ? write : rule(key))
  return { read: rule('read'), create: orWrite('create'), update: orWrite('update'), delete: orWrite('delete') }
}

/** Rejects at load time what the evaluator does not understand, so a typo never silently denies or allows. */
function check(node: jsep.Expression, where: string): void {
  switch (node.type) {
    case 'Literal':
      return
    case 'Identifier':
      if (!['auth', 'doc', 'now'].includes(node.name as string))
        throw new Error(`${where}: unknown name ${node.name} (auth, doc, now)`)
      return
    case 'MemberExpression':
      if (node.computed) throw new Error(`${where}: use a.b, not a[b]`)
      return check(node.object as jsep.Expression, where)
    case 'UnaryExpression':
      if (node.operator !== '!') throw new Error(`${where}: unsupported operator ${node.operator}`)
      return check(node.argument as jsep.Expression, where)
    case 'BinaryExpression':
      if (!COMPARISONS.has(node.operator as string) && node.operator !== '&&' && node.operator !== '||') {
        throw new Error(`${where}: unsupported operator ${node.operator}`)
      }
      check(node.left as jsep.Expression, where)
      return check(node.right as jsep.Expression, where)
    default:
      throw new Error(`${where}: unsupported expression ${node.type}`)
  }
}

/** Not known: a field the query does not pin down. */
export const UNKNOWN = Symbol('unknown')
type Value = unknown

export interface RuleEnv {
  auth: { openid: string; appid?: string; unionid?: string } | null
  /** a field path of the document -> its value, or UNKNOWN */
  doc: (path: string) => Value
  now: number
}

/** true / false / UNKNOWN (three-valued, so a query is allowed only when the rule holds for every match). */
export function evaluate(rule: Rule, env: RuleEnv): boolean | typeof UNKNOWN {
  if (typeof rule === 'boolean') return rule
  const v = value(rule, env)
  return v === UNKNOWN ? UNKNOWN : !!v
}

function value(node: jsep.Expression, env: RuleEnv): Value {
  switch (node.type) {
    case 'Literal':
      return node.value
    case 'Identifier':
      return node.name === 'auth' ? env.auth : node.name === 'now' ? env.now : UNKNOWN
    case 'MemberExpression': {
      const path = docPath(node)
      if (path !== undefined) return env.doc(path)
      const object = value(node.object as jsep.Expression, env)
      if (object === UNKNOWN) return UNKNOWN
      if (object === null || typeof object !== 'object') return undefined
      return (object as Record<string, unknown>)[(node.property as jsep.Identifier).name]
    }
    case 'UnaryExpression': {
      const v = value(node.argument as jsep.Expression, env)
      return v === UNKNOWN ? UNKNOWN : !v
    }
    case 'BinaryExpression': {
      const op = node.operator as string
      if (op === '&&' || op === '||') {
        const l = truth(value(node.left as jsep.Expression, env))
        const r = truth(value(node.right as jsep.Expression, env))
        if (op === '&&') return l === false || r === false ? false : l === true && r === true ? true : UNKNOWN
        return l === true || r === true ? true : l === false && r === false ? false : UNKNOWN
      }
      const l = value(node.left as jsep.Expression, env)
      const r = value(node.right as jsep.Expression, env)
      if (l === UNKNOWN || r === UNKNOWN) return UNKNOWN
      return compare(op, l, r)
    }
    default:
      return UNKNOWN
  }
}

const truth = (v: Value): boolean | typeof UNKNOWN => (v === UNKNOWN ? UNKNOWN : !!v)

function compare(op: string, l: Value, r: Value): boolean {
  const a = l instanceof Date ? l.getTime() : l
  const b = r instanceof Date ? r.getTime() : r
  switch (op) {
    case '==':
    case '===':
      return a === b || (a == null && b == null)
    case '!=':
    case '!==':
      return !(a === b || (a == null && b == null))
    case '<':
      return (a as number) < (b as number)
    case '<=':
      return (a as number) <= (b as number)
    case '>':
      return (a as number) > (b as number)
    default:
      return (a as number) >= (b as number)
  }
}

/** `doc.a.b` -> 'a.b'; anything not rooted at doc -> undefined. */
function docPath(node: jsep.Expression): string | undefined {
  const parts: string[] = []
  let current = node
  while (current.type === 'MemberExpression') {
    parts.unshift((current.property as jsep.Identifier).name as string)
    current = current.object as jsep.Expression
  }
  return current.type === 'Identifier' && current.name === 'doc' ? parts.join('.') : undefined
}
