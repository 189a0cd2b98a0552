import type { IncomingMessage } from 'node:http'
import { CloudError, invalidParam } from '../core/errors'
import type { Services } from '../core/services'
import { invocationOf } from '../functions/runner'
import { verifiedFunction } from './tc3-signature'

/**
 * The TCB admin API (`POST /admin`) that the unmodified wx-server-sdk inside cloud functions talks to.
 * Requests must be signed (TC3-HMAC-SHA256) with the credential the emulator issued to a function instance;
 * the signature is recomputed and checked (tc3-signature.ts).
 */
/** cloud.getOpenData (CloudID resolution) needs no config.json entry: its docs list no permission. */
const NO_PERMISSION_NEEDED = new Set(['ApiGetOpenDataByCloudId'])

export async function handleAdmin(
  services: Services,
  req: IncomingMessage,
  params: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const functionName = verifiedFunction(services.credentials, req, params)
  const action = params.action
  if (typeof action !== 'string') throw invalidParam('missing action')
  services.ctx.count(`admin.${action}`)

  if (action === 'functions.invokeFunction') {
    // a function calling another: the callee sees no user identity, and its SOURCE is the caller's chain plus
    // "scf" ("wx_client,scf"), which @cloudbase/node-sdk sends as X-TCB-Source
    // https://developers.weixin.qq.com/miniprogram/dev/wxcloud/reference-sdk-api/utils/Cloud.getWXContext.html
    const name = params.function_name
    let event: unknown = {}
    if (typeof params.request_data === 'string' && params.request_data) {
      try {
        event = JSON.parse(params.request_data)
      } catch {
        throw invalidParam('request_data is not valid JSON')
      }
    }
    const { result } = await services.functions.invoke(String(name), event, {
      source: calleeSource(req.headers['x-tcb-source']),
      appid: services.ctx.appid,
    })
    return { data: { response_data: JSON.stringify(result) } }
  }

  if (action === 'wx.openApi' && typeof params.apiName === 'string' && !NO_PERMISSION_NEEDED.has(params.apiName)) {
    // 云调用 needs the API listed in the function's config.json permissions.openapi
    const allowed = services.functions.configOf(functionName).openapi
    if (!allowed.includes(params.apiName)) {
      services.ctx.count('admin.wx.openApi.denied')
      return services.openapi.permissionDenied(params.apiName)
    }
  }

  const handler = services.actions[action]
  if (!handler) throw new CloudError('INVALID_PARAM', `unsupported action ${action}`)
  // the user behind this invocation, from the per-invocation token (never from the request body's fields)
  const invocation = invocationOf(params.wxCloudApiToken)
  const openid = invocation?.functionName === functionName ? invocation.openid : undefined
  return handler({ kind: 'admin', functionName, openid }, params)
}

/** The SOURCE chain a called function sees: the caller's X-TCB-Source ("wx_client,scf"), or "scf" alone. */
function calleeSource(header: string | string[] | undefined): string {
  const value = typeof header === 'string' ? header : ''
  if (!/^[a-z_]*(,[a-z_]+)*$/.test(value) || value.length > 200) return 'scf'
  const chain = value.split(',').filter(Boolean)
  return (chain[chain.length - 1] === 'scf' ? chain : [...chain, 'scf']).join(',')
}
