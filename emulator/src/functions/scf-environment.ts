import type { FunctionCredential } from './credentials'

/**
 * The environment SCF gives a cloud function instance, pointed at this emulator: what wx-server-sdk and
 * @cloudbase/node-sdk read to find their backend and credentials. Used for the function workers and for an
 * in-process wx-server-sdk acting as a function (tests, scripts). No module is substituted: TCB_CONTEXT_CNFG
 * is the SDK's own seam for a server-injected endpoint (@cloudbase/node-sdk utils/tcbcontext getServerInjectUrl).
 */
export function scfEnvironment(options: {
  envId: string
  baseUrl: string
  functionName: string
  credential: FunctionCredential
}): Record<string, string> {
  return {
    TENCENTCLOUD_RUNENV: 'SCF',
    TENCENTCLOUD_REGION: 'ap-shanghai',
    SCF_NAMESPACE: options.envId,
    SCF_FUNCTIONNAME: options.functionName,
    TCB_ENV: options.envId,
    TENCENTCLOUD_SECRETID: options.credential.secretId,
    TENCENTCLOUD_SECRETKEY: options.credential.secretKey,
    TENCENTCLOUD_SESSIONTOKEN: options.credential.sessionToken,
    TCB_CONTEXT_CNFG: JSON.stringify({ URL: `${options.baseUrl}/admin` }),
    SILENCE: 'true',
  }
}
