import { createCipheriv, randomBytes } from 'node:crypto'
import { decryptData, OpenDataError, signRawData, verifyRawData } from '../../server/src/decrypt'
import { encryptOpenData } from '../../emulator/src/http/wechat-api'

/**
 * WeChat's published sample (开放数据校验与解密, demo download "aes-sample": demo.js/demo.py/demo.php/demo.cs):
 * appId wx4f4bc4dec97d474b, sessionKey tiihtNczf5v6AKRyjwEUhQ==, iv r7BXXKkLb8qrSNn05n0qiA==.
 */
const OFFICIAL = {
  appId: 'wx4f4bc4dec97d474b',
  sessionKey: 'tiihtNczf5v6AKRyjwEUhQ==',
  iv: 'r7BXXKkLb8qrSNn05n0qiA==',
  encryptedData:
    'CiyLU1Aw2KjvrjMdj8YKliAjtP4gsMZM' +
    'QmRzooG2xrDcvSnxIMXFufNstNGTyaGS' +
    '9uT5geRa0W4oTOb1WT7fJlAC+oNPdbB+' +
    '3hVbJSRgv+4lGOETKUQz6OYStslQ142d' +
    'NCuabNPGBzlooOmB231qMM85d2/fV6Ch' +
    'evvXvQP8Hkue1poOFtnEtpyxVLW1zAo6' +
    '/1Xx1COxFvrc2d7UL/lmHInNlxuacJXw' +
    'u0fjpXfz/YqYzBIBzD6WUfTIF9GRHpOn' +
    '/Hz7saL8xz+W//FRAUid1OksQaQx4CMs' +
    '8LOddcQhULW4ucetDf96JcR3g0gfRK4P' +
    'C7E/r7Z6xNrXd2UIeorGj5Ef7b1pJAYB' +
    '6Y5anaHqZ9J6nKEBvB4DnNLIVWSgARns' +
    '/8wR2SiRS7MNACwTyrGvt9ts8p12PKFd' +
    'lqYTopNHR1Vf7XjfhQlVsAJdNiKdYmYV' +
    'oKlaRv85IfVunYzO0IKXsyl7JCUjCpoG' +
    '20f0a04COwfneQAGGwd5oa+T8yO5hzuy' +
    'Db/XcxxmK01EpqOyuxINew==',
  /** the demo's documented plaintext */
  decrypted: {
    openId: 'oGZUI0egBJY1zhBYw2KhdUfwVJJE',
    nickName: 'Band',
    gender: 1,
    language: 'zh_CN',
    city: 'Guangzhou',
    province: 'Guangdong',
    country: 'CN',
    avatarUrl:
      'http://wx.qlogo.cn/mmopen/vi_32/aSKcBBPpibyKNicHNTMM0qJVh8Kjgiak2AHWr8MHM4WgMEm7GFhsf8OYrySdbvAMvTsw3mo8ibKicsnfN5pRjl1p8HQ/0',
    unionId: 'ocMvos6NjeKLIBqg5Mr9QjxrP1FA',
    watermark: { timestamp: 1477314187, appid: 'wx4f4bc4dec97d474b' },
  },
}

/** WeChat's published signature example (数据签名校验): sha1(rawData + session_key). */
const OFFICIAL_SIGNATURE = {
  rawData:
    '{"nickName":"Band","gender":1,"language":"zh_CN","city":"Guangzhou","province":"Guangdong","country":"CN","avatarUrl":"http://wx.qlogo.cn/mmopen/vi_32/1vZvI39NWFQ9XM4LtQpFrQJ1xlgZxx3w7bQxKARol6503Iuswjjn6nIGBiaycAjAtpujxyzYsrztuuICqIM5ibXQ/0"}',
  sessionKey: 'HyVFkGl5F5OQWJZZaNzBBg==',
  signature: '75e81ceda165f4ffa64f4068af58c64b8f54b88c',
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

/** the vector's watermark time, plus a minute: "now" for a fresh vector */
const VECTOR_NOW = (OFFICIAL.decrypted.watermark.timestamp + 60) * 1000

const official = (overrides: Partial<Parameters<typeof decryptData>[0]> = {}) =>
  decryptData({
    encryptedData: OFFICIAL.encryptedData,
    iv: OFFICIAL.iv,
    sessionKey: OFFICIAL.sessionKey,
    appid: OFFICIAL.appId,
    now: VECTOR_NOW,
    ...overrides,
  })

/** Runs `fn` and returns the thrown error (fails the test when nothing is thrown). */
function thrown(fn: () => unknown): unknown {
  try {
    fn()
  } catch (e) {
    return e
  }
  throw new Error('expected a failure')
}

/** Raw AES-128-CBC without padding, so tests can forge any padding. */
function encryptRaw(plain: Buffer, key: string, iv: Buffer) {
  const cipher = createCipheriv('aes-128-cbc', Buffer.from(key, 'base64'), iv)
  cipher.setAutoPadding(false)
  return {
    encryptedData: Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64'),
    iv: iv.toString('base64'),
  }
}

describe('decryptData: WeChat open data (AES-128-CBC, PKCS#7, watermark)', () => {
  test("decrypts WeChat's official sample vector to the documented plaintext", () => {
    expect(official()).toEqual(OFFICIAL.decrypted)
  })

  test("verifies WeChat's official signature example and rejects a tampered one", () => {
    expect(signRawData(OFFICIAL_SIGNATURE.rawData, OFFICIAL_SIGNATURE.sessionKey)).toBe(OFFICIAL_SIGNATURE.signature)
    expect(
      verifyRawData(OFFICIAL_SIGNATURE.rawData, OFFICIAL_SIGNATURE.signature, OFFICIAL_SIGNATURE.sessionKey),
    ).toMatchObject({ nickName: 'Band' })
    const tamperedData = OFFICIAL_SIGNATURE.rawData.replace('"Band"', '"Bond"')
    expect(() => verifyRawData(tamperedData, OFFICIAL_SIGNATURE.signature, OFFICIAL_SIGNATURE.sessionKey)).toThrow(
      OpenDataError,
    )
  })

  test('what the emulator encrypts with a session_key decrypts the same way (round trip)', () => {
    const sessionKey = randomBytes(16).toString('base64')
    const now = Date.now()
    const payload = {
      phoneNumber: '13800000000',
      purePhoneNumber: '13800000000',
      countryCode: '86',
      watermark: { appid: 'wx0123456789abcdef', timestamp: Math.floor(now / 1000) },
    }
    const sealed = encryptOpenData(payload, sessionKey)
    expect(decryptData({ ...sealed, sessionKey, appid: 'wx0123456789abcdef', now })).toEqual(payload)
  })

  describe('every failure is the same OpenDataError, whatever failed', () => {
    const key = randomBytes(16).toString('base64')
    const appid = 'wx0123456789abcdef'
    const now = Date.now()
    const fresh = Math.floor(now / 1000)
    const sealedWith = (payload: unknown) => encryptOpenData(payload, key)
    const good = sealedWith({ purePhoneNumber: '13800000000', watermark: { appid, timestamp: fresh } })
    const attempt =
      (o: { encryptedData?: unknown; iv?: unknown; sessionKey?: string; appid?: string; now?: number }) => () =>
        decryptData({ encryptedData: good.encryptedData, iv: good.iv, sessionKey: key, appid, now, ...o })

    const wrongKey = randomBytes(16).toString('base64')
    const cases: Array<[string, () => unknown]> = [
      ['not base64 at all', attempt({ encryptedData: '!!!not base64!!!' })],
      ['base64 with a length that is not a multiple of 4', attempt({ encryptedData: good.encryptedData.slice(0, -1) })],
      ['base64url characters', attempt({ encryptedData: `ab-_${good.encryptedData.slice(4)}` })],
      [
        'whitespace inside the base64',
        attempt({ encryptedData: `${good.encryptedData.slice(0, 8)}    ${good.encryptedData.slice(12)}` }),
      ],
      // same bytes as the real iv once decoded, but with the unused low bits of the last character set
      ['non-canonical base64 (unused bits set)', attempt({ iv: nonCanonical(good.iv) })],
      [
        'ciphertext not a whole number of blocks',
        attempt({
          encryptedData: Buffer.from(Buffer.from(good.encryptedData, 'base64').subarray(0, 20)).toString('base64'),
        }),
      ],
      ['empty ciphertext', attempt({ encryptedData: '' })],
      ['non-string ciphertext', attempt({ encryptedData: 42 })],
      ['iv of the wrong length', attempt({ iv: randomBytes(8).toString('base64') })],
      ['missing iv', attempt({ iv: undefined })],
      ['session_key of the wrong length', attempt({ sessionKey: randomBytes(24).toString('base64') })],
      ['the wrong session_key', attempt({ sessionKey: wrongKey })],
      [
        'bad PKCS#7 padding (last byte 0)',
        attempt(
          encryptRaw(Buffer.concat([Buffer.from('{"watermark":{}}'), Buffer.alloc(16, 0)]), key, randomBytes(16)),
        ),
      ],
      [
        'bad PKCS#7 padding (inconsistent bytes)',
        attempt(
          encryptRaw(Buffer.concat([Buffer.from('{"a":1,"b":2}'), Buffer.from([1, 2, 3])]), key, randomBytes(16)),
        ),
      ],
      [
        'bad PKCS#7 padding (larger than a block)',
        attempt(
          encryptRaw(Buffer.concat([Buffer.from('0123456789abcdef'), Buffer.alloc(16, 17)]), key, randomBytes(16)),
        ),
      ],
      ['plaintext that is not JSON', attempt(encryptOpenDataText('phone=13800000000', key))],
      [
        'plaintext that is not UTF-8',
        attempt(
          encryptRaw(Buffer.concat([Buffer.from([0xff, 0xfe, 0xfd]), Buffer.alloc(13, 13)]), key, randomBytes(16)),
        ),
      ],
      ['a JSON array', attempt(sealedWith([1, 2, 3]))],
      ['no watermark', attempt(sealedWith({ purePhoneNumber: '13800000000' }))],
      [
        'watermark of another appid',
        attempt(sealedWith({ watermark: { appid: 'wxffffffffffffffff', timestamp: fresh } })),
      ],
      ['watermark appid of the official vector', () => official({ appid })],
      ['stale watermark (the official vector today)', () => official({ now })],
      ['stale watermark (11 minutes old)', attempt(sealedWith({ watermark: { appid, timestamp: fresh - 11 * 60 } }))],
      ['watermark from the future', attempt(sealedWith({ watermark: { appid, timestamp: fresh + 3600 } }))],
      ['watermark timestamp not a number', attempt(sealedWith({ watermark: { appid, timestamp: String(fresh) } }))],
      [
        'bad signature (one digit changed)',
        () =>
          verifyRawData(
            OFFICIAL_SIGNATURE.rawData,
            OFFICIAL_SIGNATURE.signature.replace(/^7/, '8'),
            OFFICIAL_SIGNATURE.sessionKey,
          ),
      ],
      [
        'signature of the wrong length',
        () =>
          verifyRawData(
            OFFICIAL_SIGNATURE.rawData,
            OFFICIAL_SIGNATURE.signature.slice(1),
            OFFICIAL_SIGNATURE.sessionKey,
          ),
      ],
      [
        'signature with the wrong session_key',
        () => verifyRawData(OFFICIAL_SIGNATURE.rawData, OFFICIAL_SIGNATURE.signature, wrongKey),
      ],
      ['signed rawData that is not JSON', () => verifyRawData('not json', signRawData('not json', key), key)],
    ]

    test.each(cases)('%s', (_name, run) => {
      const error = thrown(run)
      expect(error).toBeInstanceOf(OpenDataError)
      // uniform: the same message, code and own properties for every cause
      expect(error).toMatchObject({ message: 'invalid open data', code: 'OPEN_DATA_INVALID', name: 'OpenDataError' })
      expect(Object.keys(error as object).sort()).toEqual(['code', 'name'])
    })

    test('the control case passes, so the failures above are caused by what each one changes', () => {
      expect(attempt({})()).toMatchObject({ purePhoneNumber: '13800000000' })
      expect(official()).toMatchObject({ nickName: 'Band' })
    })
  })
})

function encryptOpenDataText(text: string, key: string) {
  const iv = randomBytes(16)
  const cipher = createCipheriv('aes-128-cbc', Buffer.from(key, 'base64'), iv)
  return {
    encryptedData: Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]).toString('base64'),
    iv: iv.toString('base64'),
  }
}

/** A 16-byte value's base64 ends in one character carrying 2 bits + 4 unused ones, then '==': set an unused bit. */
function nonCanonical(b64: string): string {
  const last = b64.length - 3
  const variant = `${b64.slice(0, last)}${B64[B64.indexOf(b64[last]) | 1]}==`
  if (Buffer.from(variant, 'base64').toString('base64') !== b64) throw new Error('not the same bytes')
  return variant
}
