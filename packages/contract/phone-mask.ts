/**
 * The one phone mask, for every place a client can see a number (cloud functions, own server, admin view).
 * Rule: at least ⌈n/3⌉ of the n national digits are hidden, as one run through the middle; at most 3 digits
 * are shown before it and 4 after it. So a Chinese mobile reads 138****0000 (the form WeChat users know),
 * +852 9123 4567 reads +852 91***567, a 7-digit number 12***67 and a 15-digit one 123********2345.
 * Numbers under 4 digits are hidden whole. The country code (not part of the count) is shown except for +86.
 */
export function maskPhone(phone: string | null | undefined, countryCode?: string | number | null): string | null {
  if (!phone) return null
  let digits = String(phone).replace(/\D/g, '')
  const country = countryCode === undefined || countryCode === null ? '' : String(countryCode).replace(/\D/g, '')
  // phoneNumber as WeChat gives it for non-Chinese numbers carries the code in front: drop it before counting
  if (country && digits.startsWith(country) && String(phone).trim().startsWith('+'))
    digits = digits.slice(country.length)
  if (!digits) return null
  const masked = maskDigits(digits)
  return country && country !== '86' ? `+${country} ${masked}` : masked
}

/** How many digits are shown before and after the hidden run of a national number of n digits. */
export function visibleDigits(n: number): { head: number; tail: number } {
  if (n < 4) return { head: 0, tail: 0 }
  const shown = Math.min(7, n - Math.ceil(n / 3))
  const head = Math.min(3, Math.floor(shown / 2))
  return { head, tail: shown - head }
}

function maskDigits(digits: string): string {
  const { head, tail } = visibleDigits(digits.length)
  return `${digits.slice(0, head)}${'*'.repeat(digits.length - head - tail)}${tail ? digits.slice(-tail) : ''}`
}
