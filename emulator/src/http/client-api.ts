import { CloudError, invalidParam } from '../core/errors'
import { callerContext } from '../functions/caller-context'
import { boundPhoneNumber, phoneInfo } from '../cloud-openapi/phone-info'
import { encryptOpenData } from './wechat-api'
import type { Services } from '../core/services'
import type { WeChatAccount } from '../accounts'
import { SubscribeRequestError } from '../cloud-openapi/subscribe-message'

/**
 * What the WeChat client (base library) asks of WeChat's servers on behalf of a mini program page:
 * `POST /client/<action>` with the simulated device's token in `x-weauth-token`. The caller's identity always
 * comes from that token, never from the request body, just as WeChat attaches it server-side.
 */
const CLIENT_ACTIONS = new Set([
  'database.insertDocument',
  'database.getDocument',
  'database.modifyDocument',
  'database.removeDocument',
  'database.calculateDocument',
  'database.aggregateDocuments',
  'database.startTransaction',
  'storage.clientUpload',
  'storage.batchGetDownloadUrl',
  'storage.batchDeleteFile',
])

export async function handleClient(
  services: Services,
  action: string,
  token: unknown,
  params: Record<string, unknown>,
  clientIp: string,
): Promise<Record<string, unknown>> {
  const account = await services.accounts.byToken(token)
  const appid = account.appid ?? services.ctx.appid
  // 资源复用: a mini program other than the environment's own reaches its cloud resources only when the owner
  // shared them (wx.login and the other WeChat client APIs do not depend on it)
  // https://developers.weixin.qq.com/miniprogram/dev/wxcloud/guide/resource-sharing/introduce.html
  const mayUseEnvironment = () => {
    if (!services.accounts.openPlatform.mayUse(appid)) {
      throw new CloudError('INVALIID_ENV', `environment ${services.ctx.envId} is not shared with ${appid}`)
    }
  }
  services.ctx.count(`client.${action}`)
  switch (action) {
    case 'auth.login':
      await services.ctx.faults.apply('auth', 'login')
      return { code: await services.accounts.login(account) }
    case 'auth.checkSession':
      await services.ctx.faults.apply('auth', 'checkSession')
      return { valid: await services.accounts.checkSession(account) }
    case 'functions.callFunction':
      mayUseEnvironment()
      return callFunction(services, account, params, clientIp)
    case 'wechat.getPhoneNumberCode':
      // what the open-type="getPhoneNumber" button yields once the user agrees
      return {
        code: services.openapi.fixtures.issuePhoneCode(account.openid, {
          phoneNumber: boundPhoneNumber(account),
          countryCode: account.countryCode,
        }),
      }
    case 'wechat.getPhoneNumberCloudId': {
      // the same button on base libraries before 2.21.2: open data as a CloudID, for cloud.getOpenData
      const watermark = { appid, timestamp: Math.floor(services.ctx.now() / 1000) }
      const data = phoneInfo(boundPhoneNumber(account), account.countryCode || '86', watermark)
      // and, as WeChat did then, the same data sealed with the session_key of the latest wx.login (for a
      // backend of your own: https://developers.weixin.qq.com/miniprogram/dev/framework/open-ability/signature.html)
      const sealed = account.sessionKey ? encryptOpenData(data, account.sessionKey) : {}
      return { cloudID: services.openapi.fixtures.issueCloudId(account.openid, data), ...sealed }
    }
    case 'wechat.requestSubscribeMessage':
      // the subscription sheet: WeChat records each 'accept' as one send the server may make
      try {
        const choices = params.choices && typeof params.choices === 'object' ? params.choices : {}
        return {
          result: services.openapi.subscribeMessages.request(
            account.openid,
            params.tmplIds,
            choices as Record<string, 'accept' | 'reject'>,
          ),
        }
      } catch (e) {
        if (e instanceof SubscribeRequestError) return { refusal: { errCode: e.errCode, errMsg: e.message } }
        throw e
      }
    case 'wechat.userInfo':
      // the real profile, as getUserProfile returned it before base library 2.27.1
      return {
        userInfo: {
          nickName: account.nickName,
          avatarUrl: account.avatarUrl,
          gender: 0,
          country: '',
          province: '',
          city: '',
          language: 'zh_CN',
        },
      }
    default:
      if (!CLIENT_ACTIONS.has(action)) throw invalidParam(`unsupported client action ${action}`)
      mayUseEnvironment()
      return services.actions[action](
        { kind: 'client', openid: account.openid, appid, unionid: account.unionid },
        params,
      )
  }
}

async function callFunction(
  services: Services,
  account: WeChatAccount,
  params: Record<string, unknown>,
  clientIp: string,
): Promise<Record<string, unknown>> {
  const { name, data } = params
  if (typeof name !== 'string' || !name) throw invalidParam('callFunction: name must be a non-empty string')
  if (data !== undefined && (typeof data !== 'object' || data === null || Array.isArray(data))) {
    throw invalidParam('callFunction: data must be an object')
  }
  // WeChat still injects the deprecated event.userInfo ({ appId, openId }) and overwrites whatever the page sent
  // there: https://developers.weixin.qq.com/miniprogram/dev/wxcloud/guide/functions/userinfo.html
  // (on a cross-account call it names the calling app and its openid; WeChat's pages do not say)
  const event = {
    ...(data as Record<string, unknown> | undefined),
    userInfo: { appId: account.appid ?? services.ctx.appid, openId: account.openid },
  }
  const { result, requestId } = await services.functions.invoke(name, event, {
    ...callerContext(services, account),
    clientIp,
    source: 'wx_client',
  })
  return { result, requestID: requestId }
}
