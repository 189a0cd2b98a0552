import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Emulator } from '../../emulator/src'
import { rawBodyOf } from '../../emulator/src/cloud-openapi'
import { adminSdk, useEmulator } from '../helpers/emulator'

// the repo's functions: bindPhone may call phonenumber.getPhoneNumber, updateProfile security.msgSecCheck
const emulator = useEmulator()

/** The real wx-server-sdk signing its requests as the named cloud function (its config.json grants the 云调用). */
const sdkAs = (em: Emulator, functionName: string): any => adminSdk(em, functionName)

/**
 * wx-server-sdk's own protobuf classes (its bundled src/protobuf/openapi.js), for calls the SDK cannot make
 * through the permission check; using them keeps the test independent of the emulator's schema.
 */
function sdkProtobuf(): Record<string, any> {
  const bundle = readFileSync(require.resolve('wx-server-sdk'), 'utf8')
  const start = bundle.indexOf('/***/ "./src/protobuf/openapi.js":')
  const bodyStart = bundle.indexOf('{', bundle.indexOf('(function(module, exports, __webpack_require__)', start)) + 1
  const body = bundle.slice(bodyStart, bundle.indexOf('/***/ }),', bodyStart))
  const mod = { exports: {} as Record<string, any> }
  const protobuf = require('protobufjs/minimal')
  protobuf.roots = {} // a fresh root, not the SDK instance's
  new Function('module', 'exports', '__webpack_require__', body)(mod, mod.exports, () => protobuf)
  return mod.exports
}

const PHONE = { phoneNumber: '13812345678', countryCode: '86' }

describe('phonenumber.getPhoneNumber through the real wx-server-sdk', () => {
  test('a fresh code gives the phone number, once', async () => {
    const cloud = sdkAs(emulator(), 'bindPhone')
    const code = emulator().openapi.fixtures.issuePhoneCode('oUser0000001', PHONE)
    const res = await cloud.openapi.phonenumber.getPhoneNumber({ code })
    expect(res).toEqual({
      phoneInfo: {
        phoneNumber: '13812345678',
        purePhoneNumber: '13812345678',
        countryCode: '86',
        watermark: { timestamp: expect.any(Number), appid: emulator().ctx.appid },
      },
      errCode: 0,
      errMsg: 'openapi.phonenumber.getPhoneNumber:ok',
    })
    // the watermark is the moment the user agreed, in seconds
    expect(Math.abs(res.phoneInfo.watermark.timestamp - Date.now() / 1000)).toBeLessThan(5)
    // used: WeChat answers 40029 again (its docs list no separate errcode for a used code)
    await expect(cloud.openapi.phonenumber.getPhoneNumber({ code })).rejects.toMatchObject({
      errCode: 40029,
      errMsg: expect.stringMatching(/^openapi\.phonenumber\.getPhoneNumber:fail invalid code hint: \[.+\] rid: /),
    })
  })

  test('unknown and expired (5 minutes) codes are 40029 invalid code', async () => {
    const cloud = sdkAs(emulator(), 'bindPhone')
    await expect(cloud.openapi.phonenumber.getPhoneNumber({ code: 'f'.repeat(64) })).rejects.toMatchObject({
      errCode: 40029,
    })
    const code = emulator().openapi.fixtures.issuePhoneCode('oUser0000001', PHONE)
    const realNow = emulator().ctx.now
    try {
      emulator().ctx.now = () => realNow() + 5 * 60 * 1000
      await expect(cloud.openapi.phonenumber.getPhoneNumber({ code })).rejects.toMatchObject({ errCode: 40029 })
    } finally {
      emulator().ctx.now = realNow
    }
  })

  test('a code is bound to the user it was issued to when the caller passes openid', async () => {
    const cloud = sdkAs(emulator(), 'bindPhone')
    const code = emulator().openapi.fixtures.issuePhoneCode('oAlice000001', {
      phoneNumber: '2025550123',
      countryCode: '1',
    })
    await expect(cloud.openapi.phonenumber.getPhoneNumber({ code, openid: 'oMallory0001' })).rejects.toMatchObject({
      errCode: 40029,
    })
    const { phoneInfo } = await cloud.openapi.phonenumber.getPhoneNumber({ code, openid: 'oAlice000001' })
    expect(phoneInfo).toMatchObject({ phoneNumber: '+12025550123', purePhoneNumber: '2025550123', countryCode: '1' })
  })

  test.each([
    [45011, 'api minute-quota reach limit mustslower retry next minute'],
    [45009, 'reach max api daily quota limit'],
    [-1, 'system error'],
  ])('an injected errcode %d reaches the caller as err.errCode, and the code stays usable', async (errcode, errmsg) => {
    const cloud = sdkAs(emulator(), 'bindPhone')
    const code = emulator().openapi.fixtures.issuePhoneCode('oUser0000001', PHONE)
    emulator().faults.add({
      service: 'openapi',
      action: 'phonenumber.getPhoneNumber',
      wxErrcode: { errcode, errmsg },
      times: 1,
    })
    await expect(cloud.openapi.phonenumber.getPhoneNumber({ code })).rejects.toMatchObject({
      errCode: errcode,
      errMsg: expect.stringContaining(errmsg),
    })
    await expect(cloud.openapi.phonenumber.getPhoneNumber({ code })).resolves.toMatchObject({ errCode: 0 })
  })

  test('an injected TCB error is reported with its TCB errCode', async () => {
    const cloud = sdkAs(emulator(), 'bindPhone')
    emulator().faults.add({
      service: 'openapi',
      action: 'phonenumber.getPhoneNumber',
      error: { code: 'SYS_ERR', message: 'injected' },
      times: 1,
    })
    await expect(cloud.openapi.phonenumber.getPhoneNumber({ code: 'x' })).rejects.toMatchObject({ errCode: -501001 })
  })
})

describe('security.msgSecCheck through the real wx-server-sdk', () => {
  beforeAll(() => emulator().openapi.fixtures.addRiskyWords(['违禁词']))

  test('version 2: pass, or risky for a registered word in content, title or nickname', async () => {
    const cloud = sdkAs(emulator(), 'updateProfile')
    const check = (extra: Record<string, unknown>) =>
      cloud.openapi.security.msgSecCheck({ content: '你好', version: 2, scene: 1, openid: 'oUser0000001', ...extra })
    expect(await check({})).toMatchObject({
      errCode: 0,
      errMsg: 'openapi.security.msgSecCheck:ok',
      result: { suggest: 'pass', label: 100 },
      detail: expect.arrayContaining([expect.objectContaining({ strategy: 'keyword', suggest: 'pass' })]),
      traceId: expect.any(String),
    })
    expect(await check({ content: '这是违禁词' })).toMatchObject({
      result: { suggest: 'risky', label: 21000 },
      detail: expect.arrayContaining([expect.objectContaining({ keyword: '违禁词' })]),
    })
    expect(await check({ nickname: '违禁词' })).toMatchObject({ result: { suggest: 'risky' } })
    // a signature counts only in the profile scene
    expect(await check({ scene: 2, signature: '违禁词' })).toMatchObject({ result: { suggest: 'pass' } })
  })

  test('version 1 answers 87014 for risky content', async () => {
    const cloud = sdkAs(emulator(), 'updateProfile')
    await expect(cloud.openapi.security.msgSecCheck({ content: '违禁词' })).rejects.toMatchObject({
      errCode: 87014,
      errMsg: expect.stringContaining('risky content'),
    })
    await expect(cloud.openapi.security.msgSecCheck({ content: '你好' })).resolves.toMatchObject({ errCode: 0 })
  })

  test("a bad scene or openid is refused with WeChat's errcode", async () => {
    const cloud = sdkAs(emulator(), 'updateProfile')
    await expect(
      cloud.openapi.security.msgSecCheck({ content: '你好', version: 2, scene: 9, openid: 'oUser0000001' }),
    ).rejects.toMatchObject({ errCode: 40129 })
    await expect(cloud.openapi.security.msgSecCheck({ content: '你好', version: 2, scene: 1 })).rejects.toMatchObject({
      errCode: 40003,
    })
  })

  test('an injected system error (-1) reaches the caller', async () => {
    const cloud = sdkAs(emulator(), 'updateProfile')
    emulator().faults.add({
      service: 'openapi',
      action: 'security.msgSecCheck',
      wxErrcode: { errcode: -1, errmsg: 'system error' },
      times: 1,
    })
    await expect(
      cloud.openapi.security.msgSecCheck({ content: '你好', version: 2, scene: 1, openid: 'oUser0000001' }),
    ).rejects.toMatchObject({ errCode: -1 })
  })
})

describe('云调用 permissions', () => {
  test("an API missing from the function's config.json is refused with -604101, as WeChat reports it", async () => {
    const cloud = sdkAs(emulator(), 'bindPhone')
    const refused = cloud.openapi.security.msgSecCheck({
      content: '你好',
      version: 2,
      scene: 1,
      openid: 'oUser0000001',
    })
    await expect(refused).rejects.toMatchObject({ errCode: -604101, errMsg: 'system error: error code: -604101' })
    await expect(refused).rejects.toMatchObject({
      message:
        'errCode: -604101 function has no permission to call this API | errMsg: system error: error code: -604101',
    })
  })

  describe('a fixture function calling an API it did not declare', () => {
    const fixtures = useEmulator({ functionsDir: join(__dirname, '..', 'fixtures', 'cloudfunctions') })
    test('gets -604101', async () => {
      const account = await fixtures().accounts.create()
      expect(
        await fixtures().client('functions.callFunction', account.token, { name: 'noperm', data: {} }),
      ).toMatchObject({ ok: true, result: { errCode: -604101 } })
    })
  })
})

describe("the wx.openApi action in WeChat's protobuf format (checked with wx-server-sdk's own protobuf classes)", () => {
  const pb = sdkProtobuf()
  const call = async (commApiData: Record<string, unknown>, apiName: string, openid?: string) => {
    const requestData = Buffer.from(pb.CommApiData.encode(commApiData).finish())
    // `openid`: the user of the invocation asking (a function learns nothing else; see functions/runner.ts)
    const reply = await emulator().admin('wx.openApi', { action: 'wx.openApi', apiName, requestData }, 'test', openid)
    const raw = rawBodyOf(reply)
    if (!raw) throw new Error('wx.openApi answered without a protobuf body')
    return pb.CommOpenApiResp.decode(raw.body)
  }
  // `openid`: the user whose invocation asks (the emulator learns it from the invocation's WX_API_TOKEN)
  const getOpenData = (list: string[], openid = 'oUser0000001') =>
    call(
      {
        apiType: pb.CommApiData.ApiType.SVRKIT_API,
        svrkitData: {
          apiName: 'ApiGetOpenDataByCloudId',
          reqData: pb.ApiGetOpenDataByCloudIdReq.encode({ cloudidList: list }).finish(),
        },
      },
      'ApiGetOpenDataByCloudId',
      openid,
    )

  test('CloudIDs resolve to { cloudID, data } with a watermark, for 5 minutes (cloud.getOpenData)', async () => {
    const cloudID = emulator().openapi.fixtures.issueCloudId('oUser0000001', {
      phoneNumber: '13812345678',
      purePhoneNumber: '13812345678',
      countryCode: '86',
    })
    const resp = await getOpenData([cloudID])
    expect(resp.errorCode).toBe(0)
    expect(resp.svrkitErrorCode).toBe(0)
    const { dataList } = pb.ApiGetOpenDataByCloudIdResp.decode(resp.respData)
    expect(
      dataList.map((d: { cloudId: string; json: string }) => ({ cloudId: d.cloudId, json: JSON.parse(d.json) })),
    ).toEqual([
      {
        cloudId: cloudID,
        json: {
          cloudID,
          data: {
            phoneNumber: '13812345678',
            purePhoneNumber: '13812345678',
            countryCode: '86',
            watermark: { timestamp: expect.any(Number), appid: emulator().ctx.appid },
          },
        },
      },
    ])

    expect((await getOpenData(['27_unknown'])).errorCode).toBe(-601005)
    // single use: the same CloudID a second time is invalid
    expect((await getOpenData([cloudID])).errorCode).toBe(-601005)
    const later = emulator().openapi.fixtures.issueCloudId('oUser0000001', { phoneNumber: '13812345678' })
    // bound to its user: another user's invocation (or one with no user) cannot resolve it, and does not spend it
    expect((await getOpenData([later], 'oAttacker0001')).errorCode).toBe(-601005)
    expect(
      (
        await call(
          {
            apiType: pb.CommApiData.ApiType.SVRKIT_API,
            svrkitData: {
              apiName: 'ApiGetOpenDataByCloudId',
              reqData: pb.ApiGetOpenDataByCloudIdReq.encode({ cloudidList: [later] }).finish(),
            },
          },
          'ApiGetOpenDataByCloudId',
        )
      ).errorCode,
    ).toBe(-601005)
    const realNow = emulator().ctx.now
    try {
      emulator().ctx.now = () => realNow() + 5 * 60 * 1000
      expect((await getOpenData([later])).errorCode).toBe(-601006)
    } finally {
      emulator().ctx.now = realNow
    }
  })

  test('an API the emulator does not know is -604100 API not found', async () => {
    const resp = await call(
      { apiType: pb.CommApiData.ApiType.OPEN_API, openapiData: { pairs: [] } },
      'wxacode.unknownApi',
    )
    expect(resp.errorCode).toBe(-604100)
  })

  test('a request that is not CommApiData is a parameter error', async () => {
    const action = (params: Record<string, unknown>) => emulator().admin('wx.openApi', params)
    await expect(
      action({ apiName: 'security.msgSecCheck', requestData: Buffer.from([0xff, 0xff, 0xff]) }),
    ).rejects.toMatchObject({ code: 'INVALID_PARAM' })
    await expect(action({ apiName: 'security.msgSecCheck', requestData: 'not bytes' })).rejects.toMatchObject({
      code: 'INVALID_PARAM',
    })
    await expect(action({ requestData: Buffer.alloc(0) })).rejects.toMatchObject({
      code: 'INVALID_PARAM',
    })
  })
})
