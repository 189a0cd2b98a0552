import { join } from 'node:path'
import type { Emulator } from '../../../emulator/src'
import { createWxRuntime, inProcessTransport } from '../../../emulator/src/simulated-wx'
import { emulatorAppSecret } from '../../../emulator/src/http/wechat-api'
import { adminSdk, callFunction, useEmulator } from '../../helpers/emulator'

/**
 * Conformance: 订阅消息, one-time subscriptions.
 * wx.requestSubscribeMessage: https://developers.weixin.qq.com/miniprogram/dev/api/open-api/subscribe-message/wx.requestSubscribeMessage.html
 * subscribeMessage.send: https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/mp-message-management/subscribe-message/sendMessage.html
 * one acceptance, one send: https://developers.weixin.qq.com/miniprogram/dev/framework/open-ability/subscribe-message.html
 */
const emulator = useEmulator({
  functionsDir: join(__dirname, '..', '..', 'fixtures', 'cloudfunctions'),
  appPages: ['pages/index/index', 'pages/order/index'],
})
beforeEach(() => emulator().reset())

/** The real wx-server-sdk signing its requests as the named cloud function (its config.json grants the 云调用). */
const sdkAs = (em: Emulator, functionName: string): any => adminSdk(em, functionName)

const ORDER = { title: '订单发货通知', keys: ['thing1', 'time2', 'amount3'] }
const DATA = { thing1: { value: '两本书' }, time2: { value: '2026-12-02 09:30' }, amount3: { value: '¥39.80' } }

async function userWithPhone(choices: Record<string, 'accept' | 'reject'> = {}) {
  const account = await emulator().accounts.create()
  const rt = createWxRuntime({
    transport: inProcessTransport(emulator(), account.token),
    choices: { subscribeMessage: choices },
  })
  return { account, wx: rt.wx as any }
}

describe('wx.requestSubscribeMessage', () => {
  test('answers {[tmplId]: accept | reject | ban | filter, errMsg}', async () => {
    const order = emulator().subscribeMessages.addTemplate(ORDER)
    const refund = emulator().subscribeMessages.addTemplate({ title: '退款通知', keys: ['thing1'] })
    const banned = emulator().subscribeMessages.addTemplate({ title: '已封禁', keys: ['thing1'], banned: true })
    const twin = emulator().subscribeMessages.addTemplate({ title: ORDER.title, keys: ['thing1'] })
    const { account, wx } = await userWithPhone({ [refund.templateId]: 'reject' })
    const res = await wx.requestSubscribeMessage({ tmplIds: [order.templateId, refund.templateId, banned.templateId] })
    expect(res).toEqual({
      [order.templateId]: 'accept',
      [refund.templateId]: 'reject',
      [banned.templateId]: 'ban',
      errMsg: 'requestSubscribeMessage:ok',
    })
    // two templates of the same title in one sheet: WeChat filters the second
    const res2 = await wx.requestSubscribeMessage({ tmplIds: [order.templateId, twin.templateId] })
    expect(res2[twin.templateId]).toBe('filter')
    expect(emulator().subscribeMessages.subscriptions(account.openid)).toEqual({ [order.templateId]: 2 })
  })

  test.each([
    ['an empty list', 10001, []],
    ['ids that are not strings', 10004, [42]],
    ['more than 3 ids', 20003, ['a', 'b', 'c', 'd']],
    ['an id that is not a template of the app', 20001, ['unknownTemplateId']],
  ])('%s fails with errCode %i', async (_, errCode, tmplIds) => {
    const { wx } = await userWithPhone()
    await expect(wx.requestSubscribeMessage({ tmplIds })).rejects.toMatchObject({
      errCode,
      errMsg: expect.stringMatching(/^requestSubscribeMessage:fail /),
    })
  })

  test('template ids that name object internals, and templates without keyword keys, are refused', () => {
    for (const templateId of ['__proto__', 'constructor', 'bad id!'])
      expect(() => emulator().subscribeMessages.addTemplate({ templateId, ...ORDER })).toThrow(/templateId/)
    expect(() => emulator().subscribeMessages.addTemplate({ title: 't', keys: ['nope1'] })).toThrow(/keys/)
  })

  test('callback style: success gets the same result', async () => {
    const order = emulator().subscribeMessages.addTemplate(ORDER)
    const { wx } = await userWithPhone()
    const res = await new Promise((success, fail) =>
      wx.requestSubscribeMessage({ tmplIds: [order.templateId], success, fail }),
    )
    expect(res).toMatchObject({ [order.templateId]: 'accept' })
  })
})

describe('subscribeMessage.send', () => {
  test('one acceptance allows one send, which is recorded; the next send is 43101', async () => {
    const order = emulator().subscribeMessages.addTemplate(ORDER)
    const { account, wx } = await userWithPhone()
    await wx.requestSubscribeMessage({ tmplIds: [order.templateId] })
    const cloud = sdkAs(emulator(), 'share')
    const message = { touser: account.openid, templateId: order.templateId, page: 'pages/order/index?id=7', data: DATA }
    const res = await cloud.openapi.subscribeMessage.send(message)
    expect(res).toMatchObject({ errCode: 0, errMsg: 'openapi.subscribeMessage.send:ok', msgid: expect.any(Number) })
    expect(emulator().subscribeMessages.sent(account.openid)).toEqual([
      {
        msgid: res.msgid,
        touser: account.openid,
        templateId: order.templateId,
        page: 'pages/order/index?id=7',
        data: DATA,
        miniprogramState: 'formal',
        lang: 'zh_CN',
        sentAt: expect.any(Number),
      },
    ])
    await expect(cloud.openapi.subscribeMessage.send(message)).rejects.toMatchObject({
      errCode: 43101,
      errMsg: expect.stringContaining('user refuse to accept the msg'),
    })
    expect(emulator().subscribeMessages.sent()).toHaveLength(1)
  })

  test('a user who rejected, or never asked, gets nothing: 43101', async () => {
    const order = emulator().subscribeMessages.addTemplate(ORDER)
    const { account, wx } = await userWithPhone({ [order.templateId]: 'reject' })
    await wx.requestSubscribeMessage({ tmplIds: [order.templateId] })
    const other = await emulator().accounts.create()
    const cloud = sdkAs(emulator(), 'share')
    for (const touser of [account.openid, other.openid]) {
      await expect(
        cloud.openapi.subscribeMessage.send({ touser, templateId: order.templateId, data: DATA }),
      ).rejects.toMatchObject({ errCode: 43101 })
    }
  })

  test("an acceptance is the user's own: another user's grant does not let a send to them through", async () => {
    const order = emulator().subscribeMessages.addTemplate(ORDER)
    const alice = await userWithPhone()
    await alice.wx.requestSubscribeMessage({ tmplIds: [order.templateId] })
    const bob = await emulator().accounts.create()
    const cloud = sdkAs(emulator(), 'share')
    await expect(
      cloud.openapi.subscribeMessage.send({ touser: bob.openid, templateId: order.templateId, data: DATA }),
    ).rejects.toMatchObject({ errCode: 43101 })
    expect(emulator().subscribeMessages.subscriptions(alice.account.openid)).toEqual({ [order.templateId]: 1 })
  })

  test.each([
    ['an unknown touser', 40003, (t: string) => ({ touser: 'oNobody00000000000000000000', templateId: t, data: DATA })],
    ['an unknown template id', 40037, () => ({ templateId: 'nope', data: DATA })],
    ['a page that is not in the app', 41030, (t: string) => ({ templateId: t, page: 'pages/gone/index', data: DATA })],
    ['a missing data key', 47003, (t: string) => ({ templateId: t, data: { thing1: DATA.thing1 } })],
    ['an extra data key', 47003, (t: string) => ({ templateId: t, data: { ...DATA, thing9: { value: 'x' } } })],
    [
      'a thing over 20 characters',
      47003,
      (t: string) => ({ templateId: t, data: { ...DATA, thing1: { value: '书'.repeat(21) } } }),
    ],
    [
      'an amount that is not one',
      47003,
      (t: string) => ({ templateId: t, data: { ...DATA, amount3: { value: 'free' } } }),
    ],
    [
      'a value that is not a string',
      47003,
      (t: string) => ({ templateId: t, data: { ...DATA, thing1: { value: 5 } } }),
    ],
    ['an unknown miniprogram_state', 47003, (t: string) => ({ templateId: t, data: DATA, miniprogramState: 'beta' })],
  ])('%s is errcode %i, and the acceptance is not spent', async (_, errCode, message) => {
    const order = emulator().subscribeMessages.addTemplate(ORDER)
    const { account, wx } = await userWithPhone()
    await wx.requestSubscribeMessage({ tmplIds: [order.templateId] })
    const cloud = sdkAs(emulator(), 'share')
    await expect(
      cloud.openapi.subscribeMessage.send({ touser: account.openid, ...message(order.templateId) }),
    ).rejects.toMatchObject({ errCode })
    expect(emulator().subscribeMessages.subscriptions(account.openid)).toEqual({ [order.templateId]: 1 })
    expect(emulator().subscribeMessages.sent()).toEqual([])
  })

  test('from a deployed function, over HTTPS, and visible through the control API', async () => {
    const order = emulator().subscribeMessages.addTemplate(ORDER)
    const { account, wx } = await userWithPhone()
    await wx.requestSubscribeMessage({ tmplIds: [order.templateId] })
    expect(
      await callFunction(emulator(), account, 'share', { action: 'notify', templateId: order.templateId, data: DATA }),
    ).toEqual({ errCode: 0 })
    // the own server: POST /cgi-bin/message/subscribe/send?access_token
    await wx.requestSubscribeMessage({ tmplIds: [order.templateId] })
    const tokenRes = await fetch(`${emulator().url}/cgi-bin/stable_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'client_credential',
        appid: emulator().appid,
        secret: emulatorAppSecret(emulator().appid),
      }),
    })
    const { access_token: token } = (await tokenRes.json()) as { access_token: string }
    const send = () =>
      fetch(`${emulator().url}/cgi-bin/message/subscribe/send?access_token=${token}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ touser: account.openid, template_id: order.templateId, data: DATA }),
      }).then((r) => r.json())
    expect(await send()).toMatchObject({ errcode: 0, errmsg: 'ok' })
    expect(await send()).toMatchObject({ errcode: 43101 })
    const { messages } = await emulator().control('subscribeMessage.sent', { touser: account.openid })
    expect(messages).toHaveLength(2)
  })
})
