import protobuf from 'protobufjs'

/**
 * The wire format of 云调用 between wx-server-sdk and WeChat: the `wx.openApi` admin action carries a
 * protobuf `CommApiData` as `requestData`, and the answer is a protobuf `CommOpenApiResp` body.
 * Field numbers copied from wx-server-sdk 4.0.2 `src/protobuf/openapi.js` (InnerApiData and TokenApiData,
 * which the SDK never sends for these APIs, are left out and skipped when decoding).
 */
const root = protobuf.Root.fromJSON({
  nested: {
    KeyValuePair: {
      fields: {
        key: { type: 'string', id: 1 },
        value: { type: 'bytes', id: 2 },
        contenttype: { type: 'string', id: 3 },
        filename: { type: 'string', id: 4 },
      },
    },
    OpenApiData: { fields: { pairs: { rule: 'repeated', type: 'KeyValuePair', id: 1 } } },
    SvrkitApiData: { fields: { apiName: { type: 'string', id: 1 }, reqData: { type: 'bytes', id: 2 } } },
    CommApiData: {
      fields: {
        apiType: { type: 'ApiType', id: 1 },
        openapiData: { type: 'OpenApiData', id: 2 },
        svrkitData: { type: 'SvrkitApiData', id: 4 },
        appid: { type: 'string', id: 6 },
      },
      nested: { ApiType: { values: { OPEN_API: 0, INNER_API: 1, SVRKIT_API: 2, TOKEN_API: 3 } } },
    },
    HttpHeader: { fields: { key: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } } },
    CommOpenApiResp: {
      fields: {
        respData: { type: 'bytes', id: 1 },
        contentType: { type: 'string', id: 2 },
        errorCode: { type: 'int32', id: 3 },
        httpCode: { type: 'uint32', id: 4 },
        headers: { rule: 'repeated', type: 'HttpHeader', id: 5 },
        svrkitErrorCode: { type: 'int32', id: 6 },
      },
    },
    ApiGetOpenDataByCloudIdReq: {
      fields: { cloudidList: { rule: 'repeated', type: 'string', id: 2 }, appid: { type: 'string', id: 3 } },
    },
    ApiGetOpenDataByCloudIdResp: {
      fields: { dataList: { rule: 'repeated', type: 'OpDataItem', id: 1 } },
      nested: { OpDataItem: { fields: { cloudId: { type: 'string', id: 1 }, json: { type: 'string', id: 2 } } } },
    },
  },
})

const CommApiData = root.lookupType('CommApiData')
const CommOpenApiResp = root.lookupType('CommOpenApiResp')
const GetOpenDataReq = root.lookupType('ApiGetOpenDataByCloudIdReq')
const GetOpenDataResp = root.lookupType('ApiGetOpenDataByCloudIdResp')

export const API_TYPE = { OPEN_API: 0, SVRKIT_API: 2 } as const

export interface OpenApiRequest {
  apiType: number
  /** OPEN_API: the call's parameters, snake_case as the SDK sends them */
  data: Record<string, unknown>
  /** SVRKIT_API: the inner request */
  svrkit?: { apiName: string; reqData: Buffer }
  appid?: string
}

/** Decodes CommApiData; throws on bytes that are not one (the caller reports INVALID_PARAM). */
export function decodeRequest(bytes: Buffer): OpenApiRequest {
  const msg = CommApiData.toObject(CommApiData.decode(bytes), { defaults: true }) as {
    apiType: number
    openapiData?: { pairs: Array<{ key: string; value: Uint8Array; contenttype: string; filename: string }> }
    svrkitData?: { apiName: string; reqData: Uint8Array }
    appid: string
  }
  const data: Record<string, unknown> = {}
  for (const pair of msg.openapiData?.pairs ?? []) {
    const value = Buffer.from(pair.value)
    // file parameters (images, media) arrive as raw bytes; everything else as JSON text
    data[pair.key] = pair.contenttype || pair.filename ? value : JSON.parse(value.toString('utf8'))
  }
  return {
    apiType: msg.apiType,
    data,
    svrkit: msg.svrkitData
      ? { apiName: msg.svrkitData.apiName, reqData: Buffer.from(msg.svrkitData.reqData) }
      : undefined,
    appid: msg.appid || undefined,
  }
}

export function encodeResponse(fields: {
  respData?: Buffer
  contentType?: string
  errorCode?: number
  httpCode?: number
  svrkitErrorCode?: number
}): Buffer {
  return Buffer.from(CommOpenApiResp.encode(CommOpenApiResp.create(fields)).finish())
}

export const decodeGetOpenDataReq = (bytes: Buffer): string[] =>
  (GetOpenDataReq.toObject(GetOpenDataReq.decode(bytes), { defaults: true }) as { cloudidList: string[] }).cloudidList

export const encodeGetOpenDataResp = (dataList: Array<{ cloudId: string; json: string }>): Buffer =>
  Buffer.from(GetOpenDataResp.encode(GetOpenDataResp.create({ dataList })).finish())
