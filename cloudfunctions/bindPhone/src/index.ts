import { cloud } from '../../../packages/cloud-kit/cloud'
import * as v from 'valibot'
import { currentUser } from '../../../packages/cloud-kit/current-user'
import type { ErrorCode } from '../../../packages/contract/errors'
import { fail, ok, type Result } from '../../../packages/contract/result'
import { parseEvent } from '../../../packages/cloud-kit/validate'
import { publicView, USERS, type PublicUser } from '../../../packages/cloud-kit/users'

// the dynamic code of <button open-type="getPhoneNumber"> (base library 2.21.2+), or a CloudID from older ones
const Event = v.union(
  [
    v.object({ code: v.pipe(v.string(), v.minLength(1), v.maxLength(256)) }),
    v.object({ cloudId: v.pipe(v.string(), v.minLength(1), v.maxLength(512)) }),
  ],
  '需要手机号授权码',
)

/** WeChat errcodes of phonenumber.getPhoneNumber, each with the message the user sees. */
const PHONE_ERRORS: Record<number, [ErrorCode, string]> = {
  // WeChat answers 40029 for an unknown, expired or already used code alike (the docs list no other code)
  40029: ['PHONE_CODE_INVALID', '手机号授权已失效或已使用，请重新授权'],
  45009: ['PHONE_QUOTA', '今日手机号验证次数已用完，请明天再试'],
  45011: ['PHONE_QUOTA', '操作太频繁，请稍后再试'],
}

/** Exchanges the phone-number code server-side and stores the number; the client only ever sees it masked. */
export async function main(event: unknown): Promise<Result<{ user: PublicUser }>> {
  const parsed = parseEvent(Event, event)
  if ('error' in parsed) return parsed.error
  const { OPENID } = cloud.getWXContext()
  const db = cloud.database()
  try {
    const found = await currentUser(db, OPENID, { requireConsent: true })
    if ('error' in found) return found.error
    const { user } = found
    const phone = await resolvePhone(parsed.value)
    if ('error' in phone) return phone.error
    await db
      .collection(USERS)
      .doc(user._id)
      .update({ data: { phoneNumber: phone.phoneNumber, countryCode: phone.countryCode } })
    return ok({ user: publicView({ ...user, phoneNumber: phone.phoneNumber, countryCode: phone.countryCode }) })
  } catch (e) {
    console.error('bindPhone failed', e)
    return fail('UPSTREAM')
  }
}

type Phone = { phoneNumber: string; countryCode: string } | { error: ReturnType<typeof fail> }

async function resolvePhone(input: { code: string } | { cloudId: string }): Promise<Phone> {
  if ('cloudId' in input) {
    // old base libraries: the button's CloudID is resolved by WeChat, never decrypted on the client
    // each item is { cloudID, data }: https://developers.weixin.qq.com/miniprogram/dev/wxcloud/reference-sdk-api/open/Cloud.getOpenData.html
    const { list } = (await cloud.getOpenData({ list: [input.cloudId] })) as {
      list: Array<{ data?: { phoneNumber?: string; purePhoneNumber?: string; countryCode?: string } }>
    }
    const data = list?.[0]?.data
    if (!data?.phoneNumber) return { error: fail('PHONE_CODE_INVALID', '手机号授权已失效，请重新授权') }
    return {
      phoneNumber: String(data.purePhoneNumber ?? data.phoneNumber),
      countryCode: String(data.countryCode ?? '86'),
    }
  }
  try {
    const res = (await cloud.openapi.phonenumber.getPhoneNumber({ code: input.code })) as {
      phoneInfo?: { phoneNumber?: string; purePhoneNumber?: string; countryCode?: string | number }
    }
    const info = res.phoneInfo
    if (!info?.purePhoneNumber && !info?.phoneNumber) return { error: fail('UPSTREAM', '未获取到手机号，请重试') }
    return {
      phoneNumber: String(info.purePhoneNumber ?? info.phoneNumber),
      countryCode: String(info.countryCode ?? '86'),
    }
  } catch (e) {
    const known = PHONE_ERRORS[(e as { errCode?: number })?.errCode ?? 0]
    if (known) return { error: fail(known[0], known[1]) }
    throw e
  }
}
