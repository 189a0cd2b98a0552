import { createWxRuntime, type HttpExchange } from '../../emulator/src/simulated-wx'

/**
 * The simulated client's wx.uploadFile, without a page: the multipart request it sends and the shapes of its
 * success and failures (https://developers.weixin.qq.com/miniprogram/dev/api/network/upload/wx.uploadFile.html).
 */
function runtime(answer: (request: HttpExchange) => Promise<{ statusCode: number; body: string }>) {
  const sent: HttpExchange[] = []
  const rt = createWxRuntime({
    transport: async () => ({ ok: true }),
    request: async (request) => {
      sent.push(request)
      return { header: {}, ...(await answer(request)) }
    },
  })
  return { rt, sent }
}

/** wx.uploadFile with callbacks (it returns an UploadTask, not a Promise) */
function upload(rt: ReturnType<typeof createWxRuntime>, options: Record<string, unknown>) {
  return new Promise<{ ok: boolean; res: any }>((resolve) => {
    rt.wx.uploadFile({
      ...options,
      success: (res: unknown) => resolve({ ok: true, res }),
      fail: (res: unknown) => resolve({ ok: false, res }),
    })
  })
}

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3])

describe('simulated wx.uploadFile', () => {
  test('sends the form fields and the temp file as multipart; success carries the body as text and the status', async () => {
    const { rt, sent } = runtime(async () => ({ statusCode: 201, body: '{"ok":true}' }))
    const filePath = rt.createTempFile(PNG, 'png')
    const { ok, res } = await upload(rt, {
      url: 'https://api.example.com/auth/profile',
      filePath,
      name: 'avatar',
      formData: { nickName: '小红' },
      header: { Authorization: 'Bearer t', 'Content-Type': 'text/plain' },
    })
    expect(ok).toBe(true)
    expect(res).toEqual({ data: '{"ok":true}', statusCode: 201, errMsg: 'uploadFile:ok' })
    const [request] = sent
    expect(request).toMatchObject({ method: 'POST', url: 'https://api.example.com/auth/profile' })
    expect(request.header.authorization).toBe('Bearer t')
    const boundary = /^multipart\/form-data; boundary=(.+)$/.exec(request.header['content-type'])![1]
    const body = Buffer.from(request.body as Uint8Array)
    const text = body.toString('latin1')
    expect(text.startsWith(`--${boundary}\r\nContent-Disposition: form-data; name="nickName"\r\n\r\n`)).toBe(true)
    expect(body.includes(Buffer.from('小红'))).toBe(true)
    expect(text).toContain(`name="avatar"; filename="${filePath.split('/').pop()}"\r\nContent-Type: image/png\r\n\r\n`)
    expect(body.includes(Buffer.from(PNG))).toBe(true)
    expect(text.endsWith(`\r\n--${boundary}--\r\n`)).toBe(true)
    expect(rt.state.calls).toEqual(['uploadFile', 'uploadFile:POST /auth/profile'])
  })

  test('any HTTP status is a success; a missing file, a bad url, a network failure or a timeout reach fail', async () => {
    const { rt } = runtime(async () => ({ statusCode: 500, body: 'oops' }))
    const filePath = rt.createTempFile(PNG)
    expect(await upload(rt, { url: 'https://a.example/u', filePath, name: 'f' })).toEqual({
      ok: true,
      res: { data: 'oops', statusCode: 500, errMsg: 'uploadFile:ok' },
    })
    const missing = await upload(rt, { url: 'https://a.example/u', filePath: 'http://tmp/none.png', name: 'f' })
    expect(missing).toMatchObject({
      ok: false,
      res: { errMsg: expect.stringMatching(/^uploadFile:fail file not found/) },
    })
    const badUrl = await upload(rt, { url: 'ftp://a.example/u', filePath, name: 'f' })
    expect(badUrl).toMatchObject({ ok: false, res: { errMsg: expect.stringMatching(/^uploadFile:fail invalid url/) } })

    const down = runtime(async () => Promise.reject(new Error('net::ERR_CONNECTION_RESET')))
    const downPath = down.rt.createTempFile(PNG)
    expect(await upload(down.rt, { url: 'https://a.example/u', filePath: downPath, name: 'f' })).toMatchObject({
      ok: false,
      res: { errMsg: 'uploadFile:fail net::ERR_CONNECTION_RESET', errno: 600001 },
    })
    const slow = runtime(() => new Promise(() => undefined))
    const slowPath = slow.rt.createTempFile(PNG)
    expect(
      await upload(slow.rt, { url: 'https://a.example/u', filePath: slowPath, name: 'f', timeout: 50 }),
    ).toMatchObject({
      ok: false,
      res: { errMsg: 'uploadFile:fail timeout', errno: 5 },
    })
  })

  test('abort() fails the task at once with uploadFile:fail abort', async () => {
    const { rt } = runtime(() => new Promise(() => undefined))
    const filePath = rt.createTempFile(PNG)
    const result = new Promise((resolve) => {
      const task = rt.wx.uploadFile({ url: 'https://a.example/u', filePath, name: 'f', timeout: 50, fail: resolve })
      task.abort()
    })
    await expect(result).resolves.toMatchObject({ errMsg: 'uploadFile:fail abort' })
  })
})
