import { TCB_ERR_CODE } from '../../emulator/src/core/errors'
import { control } from './control'
import { byId, el } from './dom'

/** Actions worth failing, per service (any other action name works too: the field is free text). */
const ACTIONS: Record<string, string[]> = {
  functions: ['login', 'updateProfile', 'bindPhone', 'deleteAccount'],
  database: ['database.getDocument', 'database.insertDocument', 'database.modifyDocument', 'database.removeDocument'],
  storage: ['storage.getUploadMetadata', 'storage.clientUpload', 'storage.batchDeleteFile', 'cos.putObject'],
  openapi: ['phonenumber.getPhoneNumber', 'security.msgSecCheck'],
  auth: ['login', 'checkSession', 'jscode2session'],
}
/** A rule as /control/faults.list returns it (emulator/src/core/faults.ts FaultRule, over JSON). */
interface FaultRule {
  service: string
  action?: string
  latencyMs?: number
  error?: { code: string; message?: string }
  wxErrcode?: { errcode: number; errmsg: string }
  times?: number
}

const NO_ERROR = 'none'
const WX_ERRCODE = 'wx-errcode'

const describe = (rule: FaultRule) =>
  [
    `${rule.service}${rule.action ? ` · ${rule.action}` : ' · every action'}`,
    rule.error ? `fails with ${rule.error.code}` : '',
    rule.wxErrcode ? `errcode ${rule.wxErrcode.errcode}` : '',
    rule.latencyMs ? `waits ${rule.latencyMs} ms` : '',
    rule.times === undefined ? 'every time' : `${rule.times} time${rule.times === 1 ? '' : 's'} left`,
  ]
    .filter(Boolean)
    .join(', ')

/**
 * Fault injection (the emulator's /control faults.add, faults.list, faults.clear): a service, optionally one
 * action, a TCB error or (open APIs) a WeChat errcode, a latency, and how many requests it affects.
 */
export function faultsSection(): { refresh(): Promise<void> } {
  const service = byId<HTMLSelectElement>('fault-service')
  const action = byId<HTMLInputElement>('fault-action')
  const error = byId<HTMLSelectElement>('fault-error')
  const errcode = byId<HTMLInputElement>('fault-errcode')
  const list = byId('fault-list')
  const status = byId('fault-status')

  const errors = () => {
    const tcb = Object.keys(TCB_ERR_CODE).filter((code) => code !== 'SUCCESS')
    const options: Array<[string, string]> = [[NO_ERROR, 'no error (latency only)']]
    if (service.value === 'openapi') options.push([WX_ERRCODE, 'WeChat errcode…'])
    options.push(...tcb.map((code): [string, string] => [code, code]))
    error.replaceChildren(...options.map(([value, label]) => el('option', { value }, label)))
    byId('fault-actions').replaceChildren(...(ACTIONS[service.value] ?? []).map((a) => el('option', { value: a })))
    showErrcode()
  }
  const showErrcode = () => {
    ;(errcode.parentElement as HTMLElement).hidden = error.value !== WX_ERRCODE
  }
  service.addEventListener('change', errors)
  error.addEventListener('change', showErrcode)
  errors()

  const render = (faults: FaultRule[]) => {
    list.replaceChildren(...faults.map((rule) => el('li', { class: 'fault' }, describe(rule))))
    status.textContent = faults.length ? '' : 'No faults: every request runs normally'
  }
  const refresh = async () => {
    try {
      render((await control<{ faults: FaultRule[] }>('faults.list')).faults)
    } catch (e) {
      status.textContent = (e as Error).message
    }
  }

  byId<HTMLFormElement>('fault-form').addEventListener('submit', (event) => {
    event.preventDefault()
    const rule: Record<string, unknown> = { service: service.value }
    if (action.value.trim()) rule.action = action.value.trim()
    if (error.value === WX_ERRCODE) {
      const code = Number(errcode.value)
      if (!Number.isInteger(code) || code === 0) {
        status.textContent = 'a WeChat errcode is a non-zero integer, e.g. 40029 or 45011'
        return
      }
      rule.wxErrcode = { errcode: code, errmsg: 'injected by the playground' }
    } else if (error.value !== NO_ERROR) {
      rule.error = { code: error.value, message: 'injected by the playground' }
    }
    const latency = byId<HTMLInputElement>('fault-latency').value
    if (latency) rule.latencyMs = Number(latency)
    const times = byId<HTMLInputElement>('fault-times').value
    if (times) rule.times = Number(times)
    void control<{ faults: FaultRule[] }>('faults.add', rule).then(
      ({ faults }) => render(faults),
      (e: Error) => (status.textContent = e.message),
    )
  })
  byId('fault-clear').addEventListener('click', () => void control('faults.clear').then(refresh))
  // a rule with `times` runs out as requests hit it
  setInterval(() => void (document.hidden ? undefined : refresh()), 2000)
  void refresh()
  return { refresh }
}

/** The words the emulated security.msgSecCheck reports as risky (nickname saves then fail with 87014). */
export function riskyWordsSection(): { refresh(): Promise<void> } {
  const input = byId<HTMLInputElement>('risky-word')
  const shown = byId('risky-list')
  const show = (words: string[]) => {
    shown.textContent = words.length
      ? `Risky: ${words.join('、')} (a nickname containing one is refused; Reset all data clears them)`
      : 'No risky words: every nickname passes'
  }
  const add = async (words: string[]) => {
    try {
      show((await control<{ words: string[] }>('openapi.addRiskyWords', { words })).words)
    } catch (e) {
      shown.textContent = (e as Error).message
    }
  }
  byId<HTMLFormElement>('risky-form').addEventListener('submit', (event) => {
    event.preventDefault()
    const word = input.value.trim()
    if (!word) return
    input.value = ''
    void add([word])
  })
  void add([])
  return { refresh: () => add([]) }
}
