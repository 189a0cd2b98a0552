import { maskPhone, visibleDigits } from '../../packages/contract/phone-mask'
import { checkNickName, NICKNAME_MAX, NICKNAME_MAX_UNITS } from '../../packages/contract/nickname'
import { recordFigures } from '../helpers/figures'

describe('the phone mask, by country', () => {
  test.each([
    ['13812345678', '86', '138****5678'],
    ['91234567', '852', '+852 91***567'],
    ['66123456', '853', '+853 66***456'],
    ['81234567', '65', '+65 81***567'],
    ['4155550123', '1', '+1 415****123'],
    ['7911123456', '44', '+44 791****456'],
    // WeChat's phoneNumber carries the country code for non-Chinese numbers
    ['+85291234567', '852', '+852 91***567'],
  ])('%s (+%s) reads %s', (phone, country, masked) => {
    expect(maskPhone(phone, country)).toBe(masked)
  })

  test('7 to 15 digits: at least a third of the digits hidden, as one run through the middle, never the whole number shown', () => {
    let checked = 0
    for (let n = 7; n <= 15; n++) {
      const digits = '123456789012345'.slice(0, n)
      const masked = maskPhone(digits, '49')!.replace('+49 ', '')
      const hidden = [...masked].filter((c) => c === '*').length
      expect(masked).toHaveLength(n)
      expect(hidden).toBeGreaterThanOrEqual(Math.ceil(n / 3))
      expect(masked).toMatch(/^\d*\*+\d*$/)
      const { head, tail } = visibleDigits(n)
      // the middle digit is always hidden
      expect(masked[Math.floor(n / 2)]).toBe('*')
      expect(head + tail + hidden).toBe(n)
      checked++
    }
    expect(maskPhone(null)).toBeNull()
    expect(maskPhone('123', '86')).toBe('***')
    recordFigures('phone-mask-lengths', {
      guarantee: 'the phone mask hides at least a third of the digits, through the middle, for 7-15 digit numbers',
      test: 'tests/cloudfunctions/contract-rules.test.ts',
      lengthsChecked: checked,
      countriesChecked: 6,
    })
  })
})

describe('the nickname rules', () => {
  const refused: Array<[string, string, string]> = [
    ['empty after trimming', '   ', 'NICKNAME_EMPTY'],
    ['a control character', 'bad\u0007name', 'NICKNAME_CONTROL_CHAR'],
    ['a line break', 'two\nlines', 'NICKNAME_CONTROL_CHAR'],
    ['a zero-width space', 'a\u200Bb', 'NICKNAME_INVISIBLE_CHAR'],
    ['a zero-width joiner between letters', 'a\u200Db', 'NICKNAME_INVISIBLE_CHAR'],
    ['a BOM', '\uFEFFname', 'NICKNAME_INVISIBLE_CHAR'],
    ['a right-to-left override', 'abc\u202Egnp.exe', 'NICKNAME_BIDI_CHAR'],
    ['a bidi isolate', '\u2066x\u2069', 'NICKNAME_BIDI_CHAR'],
    ['the Hangul filler U+3164', '\u3164', 'NICKNAME_BLANK_FILLER'],
    ['the halfwidth Hangul filler U+FFA0', 'a\uFFA0b', 'NICKNAME_BLANK_FILLER'],
    ['an unpaired high surrogate', 'a\uD83Db', 'NICKNAME_BROKEN_TEXT'],
    ['an unpaired low surrogate', '\uDE00', 'NICKNAME_BROKEN_TEXT'],
    ['a leading combining mark', '\u0301abc', 'NICKNAME_BROKEN_TEXT'],
    ['markup', '<b>hi</b>', 'NICKNAME_MARKUP'],
    ['21 graphemes', '一二三四五六七八九十一二三四五六七八九十一', 'NICKNAME_TOO_LONG'],
    // 20 graphemes that carry 2,400 combining marks: short to the eye, huge in storage
    ['20 graphemes with 2,400 combining marks', 'a'.concat('\u0301'.repeat(120)).repeat(20), 'NICKNAME_TOO_LONG'],
    [
      `over ${NICKNAME_MAX_UNITS} code units in ${NICKNAME_MAX} graphemes`,
      'é\u0301\u0302\u0303'.repeat(17),
      'NICKNAME_TOO_LONG',
    ],
  ]
  test.each(refused)('refuses %s', (_what, input, problem) => {
    expect(checkNickName(input)).toEqual({ problem })
  })

  const accepted: Array<[string, string, string]> = [
    ['Chinese', '小红', '小红'],
    ['trimmed', '  阿明  ', '阿明'],
    ['emoji', '🐱喵喵🎉', '🐱喵喵🎉'],
    ['a ZWJ family emoji', '👨\u200D👩\u200D👧', '👨\u200D👩\u200D👧'],
    ['a flag and a skin tone', '🇨🇳👍🏽', '🇨🇳👍🏽'],
    ['NFC-normalised', 'Jose\u0301', 'José'],
    ['20 graphemes of CJK', '一二三四五六七八九十一二三四五六七八九十', '一二三四五六七八九十一二三四五六七八九十'],
    ['Latin with spaces', 'Mary Ann', 'Mary Ann'],
  ]
  test.each(accepted)('accepts %s', (_what, input, stored) => {
    expect(checkNickName(input)).toEqual({ value: stored })
  })

  afterAll(() =>
    recordFigures('nickname-rules', {
      guarantee: `nicknames: NFC, no control/zero-width/bidi/Hangul-filler/lone-surrogate characters, ≤${NICKNAME_MAX} graphemes and ≤${NICKNAME_MAX_UNITS} UTF-16 code units`,
      test: 'tests/cloudfunctions/contract-rules.test.ts',
      refusedCases: refused.length,
      acceptedCases: accepted.length,
    }),
  )
})
