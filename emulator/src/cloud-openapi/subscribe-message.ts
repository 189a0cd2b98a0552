import { randomBytes } from 'node:crypto'
import { invalidParam } from '../core/errors'
import { wxErrmsg } from './replies'

/**
 * 订阅消息 (one-time subscriptions): the mini program asks with wx.requestSubscribeMessage, each 'accept' lets the
 * server send that template to that user once ("一次性订阅消息订阅1次可下发1次"), and subscribeMessage.send spends
 * it. https://developers.weixin.qq.com/miniprogram/dev/framework/open-ability/subscribe-message.html
 *
 * send: https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/mp-message-management/subscribe-message/sendMessage.html
 *   {touser, template_id, page?, data: {key: {value}}, miniprogram_state?, lang?} → {errcode 0, errmsg 'ok', msgid};
 *   40003 touser invalid, 40037 template_id invalid, 43101 user refuse to accept the msg (no unspent
 *   acceptance), 47003 argument invalid (errmsg names the field), 41030 invalid page.
 *   Values follow the keyword type's rules ("订阅消息参数值内容限制说明" on the same page).
 * requestSubscribeMessage: https://developers.weixin.qq.com/miniprogram/dev/api/open-api/subscribe-message/wx.requestSubscribeMessage.html
 *   {[tmplId]: 'accept' | 'reject' | 'ban' | 'filter', errMsg}; at most 3 ids per call (20003), unknown ids 20001.
 * Templates are what the team picked in the console (公共模板库 → 我的模板): tests register them with
 * fixtures.addSubscribeTemplate. Sent messages are recorded (never delivered anywhere) for tests to inspect.
 */
export const MAX_TEMPLATES_PER_REQUEST = 3

/** The keyword types of a template field (the key's letters: thing1, time2, phrase3...) and their value rules. */
const VALUE_RULES: Record<string, { test: (v: string) => boolean; rule: string }> = {
  thing: { test: (v) => count(v) <= 20, rule: '20 characters at most' },
  number: { test: (v) => /^[+-]?\d+(\.\d+)?$/.test(v) && v.length <= 32, rule: 'a number of 32 characters at most' },
  letter: { test: (v) => /^[A-Za-z]{1,32}$/.test(v), rule: '32 letters at most' },
  symbol: { test: (v) => /^[^\p{L}\p{N}\s]{1,5}$/u.test(v), rule: '5 symbols at most' },
  character_string: { test: (v) => /^[\x21-\x7e]{1,32}$/.test(v), rule: '32 letters, digits or symbols at most' },
  time: { test: (v) => /\d{1,2}:\d{2}/.test(v) && count(v) <= 32, rule: 'a 24-hour time (with a date if any)' },
  date: { test: (v) => /\d{4}\D{1,3}\d{1,2}\D{1,3}\d{1,2}/.test(v) && count(v) <= 32, rule: 'a date' },
  amount: { test: (v) => /^\D?\d{1,12}(\.\d{1,2})?元?$/.test(v), rule: 'a currency sign and 12 digits at most' },
  phone_number: { test: (v) => /^[\d+\-() ]{1,17}$/.test(v), rule: '17 digits or symbols at most' },
  car_number: { test: (v) => count(v) <= 8 && /^.[A-Za-z0-9]*.?$/u.test(v), rule: '8 characters at most' },
  name: { test: (v) => /^\p{Script=Han}{1,10}$/u.test(v) || /^[A-Za-z\s.·]{1,20}$/.test(v), rule: 'a name' },
  phrase: { test: (v) => /^\p{Script=Han}{1,5}$/u.test(v), rule: '5 Chinese characters at most' },
}
const count = (v: string) => [...v].length
const MINIPROGRAM_STATES = new Set(['developer', 'trial', 'formal'])
const LANGS = new Set(['zh_CN', 'en_US', 'zh_HK', 'zh_TW'])

export interface SubscribeTemplate {
  templateId: string
  title: string
  /** the template's keys, e.g. ['thing1', 'time2']: the letters say the type */
  keys: string[]
  /** the template is banned by WeChat: requestSubscribeMessage answers 'ban' */
  banned: boolean
}

export interface SentSubscribeMessage {
  msgid: number
  touser: string
  templateId: string
  page?: string
  data: Record<string, { value: string }>
  miniprogramState: string
  lang: string
  sentAt: number
}

export type SubscribeAnswer = 'accept' | 'reject' | 'ban' | 'filter'

export class SubscribeMessages {
  private templates = new Map<string, SubscribeTemplate>()
  /** `${openid}\n${templateId}` → acceptances not yet spent */
  private grants = new Map<string, number>()
  private messages: SentSubscribeMessage[] = []
  private nextMsgid = 1_000_000_000

  constructor(
    private readonly now: () => number,
    private readonly appPages: () => ReadonlySet<string> | undefined,
  ) {}

  addTemplate(input: { templateId?: unknown; title?: unknown; keys?: unknown; banned?: unknown }): SubscribeTemplate {
    const templateId = input.templateId ?? randomBytes(32).toString('base64url').slice(0, 43)
    if (typeof templateId !== 'string' || !/^[\w-]{1,64}$/.test(templateId) || templateId in Object.prototype)
      throw invalidParam('addSubscribeTemplate: templateId must be 1-64 letters, digits, _ or -')
    if (typeof input.title !== 'string' || !input.title) throw invalidParam('addSubscribeTemplate: title is required')
    const keys = input.keys
    if (!Array.isArray(keys) || keys.length === 0 || keys.length > 20 || !keys.every(isKey))
      throw invalidParam(
        `addSubscribeTemplate: keys must be keyword keys such as thing1 (types: ${Object.keys(VALUE_RULES).join(', ')})`,
      )
    const template = { templateId, title: input.title, keys: [...keys], banned: input.banned === true }
    this.templates.set(templateId, template)
    return { ...template, keys: [...template.keys] }
  }

  /**
   * What the subscription sheet yields for these ids, given what the user taps for each ('accept' unless
   * `choices` says 'reject'). Throws the documented errCode for a call WeChat refuses before showing the sheet.
   */
  request(
    openid: string,
    tmplIds: unknown,
    choices: Record<string, 'accept' | 'reject'>,
  ): Record<string, SubscribeAnswer> {
    if (!Array.isArray(tmplIds) || tmplIds.length === 0) throw subscribeFail(10001, 'TmplIds can not be empty')
    if (!tmplIds.every((id) => typeof id === 'string')) throw subscribeFail(10004, 'Invalid template id')
    if (tmplIds.length > MAX_TEMPLATES_PER_REQUEST) throw subscribeFail(20003, 'Templates count out of max bounds')
    if (tmplIds.some((id) => !this.templates.has(id)))
      throw subscribeFail(20001, 'No template data return, verify the template id exist')
    const result: Record<string, SubscribeAnswer> = {}
    for (const id of tmplIds as string[]) {
      const template = this.templates.get(id)!
      // two ids of templates with the same title: WeChat shows one and filters the other
      const sameTitle = Object.keys(result).some((other) => this.templates.get(other)?.title === template.title)
      const answer: SubscribeAnswer = template.banned
        ? 'ban'
        : sameTitle
          ? 'filter'
          : choices[id] === 'reject'
            ? 'reject'
            : 'accept'
      result[id] = answer
      if (answer === 'accept') {
        const key = `${openid}\n${id}`
        this.grants.set(key, (this.grants.get(key) ?? 0) + 1)
      }
    }
    return result
  }

  /** The API's JSON answer (snake_case, as sent); `touserIsUser`: touser is a user of this mini program. */
  send(data: Record<string, unknown>, touserIsUser: boolean): Record<string, unknown> {
    const { touser, template_id: templateId, page, data: values } = data
    const miniprogramState = data.miniprogram_state ?? 'formal'
    const lang = data.lang ?? 'zh_CN'
    if (typeof touser !== 'string' || !touserIsUser) return wxError(40003, 'invalid openid')
    const template = typeof templateId === 'string' ? this.templates.get(templateId) : undefined
    if (!template) return wxError(40037, 'invalid template_id')
    if (page !== undefined && !this.validPage(page)) return wxError(41030, 'invalid page')
    if (typeof miniprogramState !== 'string' || !MINIPROGRAM_STATES.has(miniprogramState))
      return wxError(47003, 'argument invalid! miniprogram_state invalid')
    if (typeof lang !== 'string' || !LANGS.has(lang)) return wxError(47003, 'argument invalid! lang invalid')
    const checked = checkValues(template, values)
    if (typeof checked === 'string') return wxError(47003, `argument invalid! ${checked}`)

    const key = `${touser}\n${template.templateId}`
    const left = this.grants.get(key) ?? 0
    if (left <= 0) return wxError(43101, 'user refuse to accept the msg')
    if (left === 1) this.grants.delete(key)
    else this.grants.set(key, left - 1)
    const message: SentSubscribeMessage = {
      msgid: this.nextMsgid++,
      touser,
      templateId: template.templateId,
      ...(page !== undefined && page !== '' ? { page: page as string } : {}),
      data: checked,
      miniprogramState,
      lang,
      sentAt: this.now(),
    }
    this.messages.push(message)
    return { errcode: 0, errmsg: 'ok', msgid: message.msgid }
  }

  /** what was sent, oldest first; to one user only when `touser` is given */
  sent(touser?: string): SentSubscribeMessage[] {
    return this.messages.filter((m) => touser === undefined || m.touser === touser).map((m) => structuredClone(m))
  }

  /** acceptances not yet spent, by template id, for one user */
  subscriptions(openid: string): Record<string, number> {
    const out: Record<string, number> = {}
    for (const [key, n] of this.grants) {
      const [user, id] = key.split('\n')
      if (user === openid) out[id] = n
    }
    return out
  }

  templateList(): SubscribeTemplate[] {
    return [...this.templates.values()].map((t) => ({ ...t, keys: [...t.keys] }))
  }

  clear(): void {
    this.templates.clear()
    this.grants.clear()
    this.messages = []
  }

  // "点击模板卡片后的跳转页面，仅限本小程序内的页面。支持带参数（示例index?foo=bar）"
  private validPage(page: unknown): boolean {
    if (typeof page !== 'string') return false
    if (page === '') return true
    if (page.length > 1024) return false
    const path = page.split('?')[0].replace(/^\//, '')
    const pages = this.appPages()
    return path !== '' && (!pages || pages.has(path))
  }
}

const isKey = (key: unknown): key is string =>
  typeof key === 'string' && /^[a-z_]+\d+$/.test(key) && key.replace(/\d+$/, '') in VALUE_RULES

/** data as sent ({thing1: {value: '...'}}), checked against the template: every key, no other, each value valid */
function checkValues(template: SubscribeTemplate, values: unknown): Record<string, { value: string }> | string {
  if (typeof values !== 'object' || values === null || Array.isArray(values)) return 'data invalid'
  const out: Record<string, { value: string }> = {}
  for (const key of Object.keys(values)) if (!template.keys.includes(key)) return `data.${key} invalid`
  for (const key of template.keys) {
    const entry = (values as Record<string, unknown>)[key]
    const value = typeof entry === 'object' && entry !== null ? (entry as { value?: unknown }).value : undefined
    if (typeof value !== 'string' || value === '') return `data.${key}.value invalid`
    const rule = VALUE_RULES[key.replace(/\d+$/, '')]
    if (!rule.test(value)) return `data.${key}.value invalid (${rule.rule})`
    out[key] = { value }
  }
  return out
}

const wxError = (errcode: number, message: string) => ({ errcode, errmsg: wxErrmsg(message) })

/** a refusal of wx.requestSubscribeMessage: the errCode WeChat's page lists, and its errMsg */
export class SubscribeRequestError extends Error {
  constructor(
    readonly errCode: number,
    message: string,
  ) {
    super(message)
  }
}
const subscribeFail = (errCode: number, message: string) => new SubscribeRequestError(errCode, message)
