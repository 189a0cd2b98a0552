import type { ActionParams, ActionTable, ServiceContext } from '../core/context'
import { invalidParam } from '../core/errors'
import type { EmulatorService } from '../core/lifecycle'
import { CloudIds } from './cloudid'
import { PhoneCodes } from './phone'
import { binaryReply, jsonReply, svrkitReply, systemErrorReply, wxErrmsg } from './replies'
import { msgSecCheck } from './security'
import { RiskRanks } from './risk'
import type { Caller } from '../core/caller'
import { API_TYPE, decodeGetOpenDataReq, decodeRequest, encodeGetOpenDataResp, type OpenApiRequest } from './wire'
import { SubscribeMessages, type SubscribeTemplate } from './subscribe-message'
import { WXACODE_APIS, WxaCodes, type WxacodeAnswer, type WxacodeApi } from './wxacode'

export { rawBodyOf, RAW_BODY, type RawBody } from './replies'

/**
 * Emulated 云调用 (WeChat open APIs called from cloud functions through wx-server-sdk): the `wx.openApi` admin
 * action in WeChat's protobuf wire format, plus fixtures standing in for what the WeChat client produces
 * (phone-number codes, CloudIDs) and for WeChat's content-safety verdicts. See docs/emulator/openapi-storage.md.
 */
export interface EmulatedOpenApi extends EmulatorService {
  actions: ActionTable
  fixtures: {
    /** the dynamic code <button open-type="getPhoneNumber"> yields; single use, valid 5 minutes */
    issuePhoneCode(openid: string, phone: { phoneNumber: string; countryCode: string }): string
    /** texts containing any of these words are `risky` to security.msgSecCheck; returns the whole list */
    addRiskyWords(words: string[]): string[]
    /** a CloudID for open data, resolvable with cloud.getOpenData for 5 minutes, once, by that user */
    issueCloudId(openid: string, data: unknown): string
    /** the risk rank riskControl.getUserRiskRank answers for this openid (default 0) */
    setRiskRank(openid: string, rank: number): void
    /** a subscription-message template of the mini program (console: 我的模板); templateId generated when omitted */
    addSubscribeTemplate(input: {
      templateId?: string
      title: string
      keys: string[]
      banned?: boolean
    }): SubscribeTemplate
  }
  /** 订阅消息: what wx.requestSubscribeMessage granted and what subscribeMessage.send recorded */
  subscribeMessages: Pick<SubscribeMessages, 'request' | 'sent' | 'subscriptions' | 'templateList'>
  /** subscribeMessage.send as JSON (also for POST /cgi-bin/message/subscribe/send) */
  sendSubscribeMessage(data: Record<string, unknown>): Promise<Record<string, unknown>>
  /** the same APIs as JSON, for WeChat's HTTPS server API (emulator/src/http/wechat-api.ts); undefined = unknown */
  callJson(
    apiName: 'phonenumber.getPhoneNumber' | 'security.msgSecCheck',
    data: Record<string, unknown>,
  ): Record<string, unknown>
  /** wxacode.get / getUnlimited / createQRCode: a PNG or WeChat's JSON refusal (also for /wxa/getwxacode... over HTTPS) */
  wxacode(apiName: WxacodeApi, data: Record<string, unknown>): Promise<WxacodeAnswer>
  reset(): Promise<void>
  /** WeChat's answer when the function's config.json lacks the API in permissions.openapi (errCode -604101) */
  permissionDenied(apiName: string): Record<string, unknown>
}

/** wx-server-sdk's ERR_CODE for failures of 云调用 itself (src/config/error.config.ts) */
const API_NOT_FOUND = -604100
const NO_PERMISSION = -604101

export interface OpenApiOptions {
  /** the released app's pages (app.json pages and subpackage pages) that wxacode's check_path checks against */
  appPages?: string[]
  /** whether an openid is a user of this mini program (subscribeMessage.send's touser) */
  isUser?: (openid: string) => Promise<boolean>
}

export function createOpenApi(ctx: ServiceContext, options: OpenApiOptions = {}): EmulatedOpenApi {
  const now = () => ctx.now()
  const phoneCodes = new PhoneCodes(now, ctx.appid)
  const cloudIds = new CloudIds(now, ctx.appid)
  const riskyWords = new Set<string>()
  const riskRanks = new RiskRanks(ctx.appid)
  const appPages = options.appPages ? new Set(options.appPages) : undefined
  const wxaCodes = new WxaCodes(ctx.appid, () => appPages)
  const subscribe = new SubscribeMessages(now, () => appPages)
  const sendSubscribeMessage = async (data: Record<string, unknown>) => {
    // touser must be a user of this mini program: looked up first, so the check and the spend stay synchronous
    const touser = data.touser
    const isUser = typeof touser === 'string' && !!options.isUser && (await options.isUser(touser))
    return subscribe.send(data, isUser)
  }

  // OPEN_API calls by name; each returns the API's JSON answer
  const openApis: Record<string, (data: Record<string, unknown>) => Record<string, unknown>> = {
    'phonenumber.getPhoneNumber': (data) => phoneCodes.redeem(data),
    'security.msgSecCheck': (data) => msgSecCheck(data, riskyWords),
    'riskControl.getUserRiskRank': (data) => riskRanks.answer(data),
  }

  const svrkit = (request: OpenApiRequest, caller: Caller): Record<string, unknown> => {
    if (request.svrkit?.apiName !== 'ApiGetOpenDataByCloudId') return systemErrorReply(API_NOT_FOUND, 'API not found')
    let list: string[]
    try {
      list = decodeGetOpenDataReq(request.svrkit.reqData)
    } catch (e) {
      throw invalidParam(`ApiGetOpenDataByCloudId: reqData is not a valid request (${(e as Error).message})`)
    }
    const resolved = cloudIds.resolve(list, caller.openid)
    return resolved.ok
      ? svrkitReply(encodeGetOpenDataResp(resolved.items))
      : systemErrorReply(resolved.errorCode, resolved.errmsg)
  }

  const wxOpenApi = async (caller: Caller, params: ActionParams): Promise<Record<string, unknown>> => {
    const { apiName, requestData } = params
    if (typeof apiName !== 'string' || !apiName) throw invalidParam('wx.openApi: apiName must be a non-empty string')
    if (!Buffer.isBuffer(requestData))
      throw invalidParam('wx.openApi: requestData must be a binary (protobuf CommApiData) part')
    let request: OpenApiRequest
    try {
      request = decodeRequest(requestData)
    } catch (e) {
      throw invalidParam(`wx.openApi: requestData is not a valid CommApiData (${(e as Error).message})`)
    }
    const fault = await ctx.faults.apply('openapi', apiName)
    if (fault?.wxErrcode)
      return jsonReply({ errcode: fault.wxErrcode.errcode, errmsg: wxErrmsg(fault.wxErrcode.errmsg) })
    if (request.apiType === API_TYPE.SVRKIT_API) return svrkit(request, caller)
    if (request.apiType !== API_TYPE.OPEN_API) return systemErrorReply(API_NOT_FOUND, 'API not found')
    if (apiName === 'subscribeMessage.send') return jsonReply(await sendSubscribeMessage(request.data))
    if (isWxacodeApi(apiName)) {
      const answer = await wxaCodes.answer(apiName, request.data)
      return answer.ok
        ? binaryReply(answer.body, answer.contentType)
        : jsonReply({ errcode: answer.errcode, errmsg: answer.errmsg })
    }
    const api = openApis[apiName]
    return api ? jsonReply(api(request.data)) : systemErrorReply(API_NOT_FOUND, 'API not found')
  }

  return {
    actions: { 'wx.openApi': wxOpenApi },
    fixtures: {
      issuePhoneCode: (openid, phone) => phoneCodes.issue(openid, phone),
      addRiskyWords: (words) => {
        if (!Array.isArray(words) || words.some((w) => typeof w !== 'string' || !w))
          throw invalidParam('addRiskyWords: words must be non-empty strings')
        words.forEach((w) => riskyWords.add(w))
        return [...riskyWords]
      },
      issueCloudId: (openid, data) => cloudIds.issue(openid, data),
      setRiskRank: (openid, rank) => riskRanks.set(openid, rank),
      addSubscribeTemplate: (input) => subscribe.addTemplate(input),
    },
    subscribeMessages: {
      request: (openid, tmplIds, choices) => subscribe.request(openid, tmplIds, choices),
      sent: (touser) => subscribe.sent(touser),
      subscriptions: (openid) => subscribe.subscriptions(openid),
      templateList: () => subscribe.templateList(),
    },
    sendSubscribeMessage,
    callJson: (apiName, data) => openApis[apiName](data),
    wxacode: (apiName, data) => wxaCodes.answer(apiName, data),
    reset: async () => {
      wxaCodes.clear()
      subscribe.clear()
      riskRanks.clear()
      phoneCodes.clear()
      cloudIds.clear()
      riskyWords.clear()
    },
    permissionDenied: () => systemErrorReply(NO_PERMISSION, 'function has no permission to call this API'),
  }
}

const isWxacodeApi = (name: string): name is WxacodeApi => (WXACODE_APIS as readonly string[]).includes(name)
