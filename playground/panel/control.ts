import type { WeChatAccount } from '../../emulator/src/accounts/account'

/** This run's control token, which the playground server puts in the panel page (playground/server/routes.ts). */
const controlToken = (): string =>
  document.querySelector<HTMLMetaElement>('meta[name="weauth-control-token"]')?.content ?? ''

/** The emulator's control API (`POST /control/<op>`, emulator/src/http/control-api.ts) on this origin. */
export async function control<T extends object = Record<string, unknown>>(
  op: string,
  params: Record<string, unknown> = {},
): Promise<T> {
  const res = await fetch(`/control/${op}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-weauth-control-token': controlToken() },
    body: JSON.stringify(params),
  })
  const reply = (await res.json()) as ({ ok: true } & T) | { ok: false; errMsg: string }
  if (!reply.ok) throw new Error(`control ${op}: ${reply.errMsg}`)
  return reply
}

export const listAccounts = async () => (await control<{ accounts: WeChatAccount[] }>('accounts.list')).accounts

export const createAccount = async (input: { nickName: string; phoneNumber?: string | null }) =>
  (await control<{ account: WeChatAccount }>('accounts.create', input)).account
