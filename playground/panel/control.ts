import type { WeChatAccount } from '../../emulator/src/accounts/account'

/** The emulator's control API (`POST /control/<op>`, emulator/src/http/control-api.ts) on this origin. */
export async function control<T extends object = Record<string, unknown>>(
  op: string,
  params: Record<string, unknown> = {},
): Promise<T> {
  const res = await fetch(`/control/${op}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(params),
  })
  const reply = (await res.json()) as ({ ok: true } & T) | { ok: false; errMsg: string }
  if (!reply.ok) throw new Error(`control ${op}: ${reply.errMsg}`)
  return reply
}

export const listAccounts = async () => (await control<{ accounts: WeChatAccount[] }>('accounts.list')).accounts

export const createAccount = async (input: { nickName: string; phoneNumber?: string | null }) =>
  (await control<{ account: WeChatAccount }>('accounts.create', input)).account
