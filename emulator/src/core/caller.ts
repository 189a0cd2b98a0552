/**
 * Who is making a request to the emulated cloud.
 * - `admin`: a cloud function (wx-server-sdk); WeChat grants it full access to the environment.
 * - `client`: the mini program itself (wx.cloud.*); identity comes from the WeChat session, never from the payload.
 */
export type Caller =
  | { kind: 'admin'; functionName?: string; openid?: string }
  | { kind: 'client'; openid: string; appid: string; unionid?: string }

export const isClient = (caller: Caller): caller is Extract<Caller, { kind: 'client' }> => caller.kind === 'client'
