import { CloudError } from '../core/errors'

/**
 * The phone number as WeChat hands it out, in getPhoneNumber's `phone_info`, in decrypted phone open data and
 * in a CloudID's data: `phoneNumber` carries the country code (`+852…`) except for Chinese numbers.
 */
export interface PhoneInfo {
  phoneNumber: string
  purePhoneNumber: string
  countryCode: string
  watermark: { timestamp: number; appid: string }
}

export function phoneInfo(purePhoneNumber: string, countryCode: string, watermark: PhoneInfo['watermark']): PhoneInfo {
  const phoneNumber = countryCode === '86' ? purePhoneNumber : `+${countryCode}${purePhoneNumber}`
  return { phoneNumber, purePhoneNumber, countryCode, watermark }
}

/** The simulated WeChat account's phone number, or the error WeChat's phone button cannot get past. */
export function boundPhoneNumber(account: { phoneNumber?: string }): string {
  if (!account.phoneNumber) throw new CloudError('INVALID_PARAM', 'this WeChat account has no phone number bound')
  return account.phoneNumber
}
