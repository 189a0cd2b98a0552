/**
 * The nickname rules both backends apply before WeChat's content check (security.msgSecCheck v2):
 * 1. NFC-normalised and trimmed, so one name has one stored form;
 * 2. refused when it holds characters a person cannot see or that change how text around it reads:
 *    control characters (C0, DEL, C1, line/paragraph separators), zero-width characters (U+200B/C, U+2060,
 *    U+FEFF, U+180E; U+200D only inside an emoji sequence), bidirectional controls (U+200E/F, U+202A-202E,
 *    U+2066-2069, U+061C), Hangul fillers that render blank (U+115F, U+1160, U+3164, U+FFA0), unpaired
 *    surrogates, and "<" ">" (never rendered as markup anywhere);
 * 3. at most NICKNAME_MAX graphemes (what a person counts as characters) AND at most NICKNAME_MAX_UNITS UTF-16
 *    code units (what storage and WeChat's checks count), so 20 "characters" cannot carry 2,400 combining marks.
 * Each refusal has its own code and Chinese message (errors.ts), shown under the field that stays as typed.
 */
export const NICKNAME_MAX = 20
export const NICKNAME_MAX_UNITS = 64

export type NicknameProblem =
  | 'NICKNAME_EMPTY'
  | 'NICKNAME_TOO_LONG'
  | 'NICKNAME_CONTROL_CHAR'
  | 'NICKNAME_INVISIBLE_CHAR'
  | 'NICKNAME_BIDI_CHAR'
  | 'NICKNAME_BLANK_FILLER'
  | 'NICKNAME_BROKEN_TEXT'
  | 'NICKNAME_MARKUP'

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
// eslint-disable-next-line no-control-regex -- control characters are what this rule refuses
const CONTROL = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/
const BIDI = /[\u200E\u200F\u202A-\u202E\u2066-\u2069\u061C]/
const HANGUL_FILLER = /[\u115F\u1160\u3164\uFFA0]/
const ZERO_WIDTH = /[\u200B\u200C\u2060\uFEFF\u180E]/
// ZWJ joins emoji (👨‍👩‍👧); anywhere else it is an invisible character
// eslint-disable-next-line no-misleading-character-class -- the class holds skin-tone modifiers on purpose
const ZWJ_IN_EMOJI = /\p{Extended_Pictographic}[\uFE0F\u{1F3FB}-\u{1F3FF}]?\u200D(?=\p{Extended_Pictographic})/gu
const MARKUP = /[<>]/
const LEADING_MARK = /^\p{M}/u

// Intl.Segmenter (Node 16+, current WeChat clients); where missing, code points are counted, which is stricter
type Segmenter = { segment(text: string): Iterable<unknown> }
const SegmenterCtor = (Intl as unknown as { Segmenter?: new (l: string, o: object) => Segmenter }).Segmenter
// built by the first count, not when this file loads: a segmenter loads ICU's break rules (~20 ms of CPU), which
// the cold start of a function or page that counts no nickname would otherwise pay
let segmenter: Segmenter | null | undefined

export function graphemeCount(text: string): number {
  if (segmenter === undefined) segmenter = SegmenterCtor ? new SegmenterCtor('zh', { granularity: 'grapheme' }) : null
  if (!segmenter) return [...text].length
  let n = 0
  for (const _ of segmenter.segment(text)) n++
  return n
}

/** The stored form of a nickname, or the first rule it breaks. */
export function checkNickName(input: unknown): { value: string } | { problem: NicknameProblem } {
  if (typeof input !== 'string') return { problem: 'NICKNAME_EMPTY' }
  // surrogates first: normalize() would keep a lone one but the text is broken either way
  if (LONE_SURROGATE.test(input)) return { problem: 'NICKNAME_BROKEN_TEXT' }
  if (input.length > NICKNAME_MAX_UNITS * 4) return { problem: 'NICKNAME_TOO_LONG' }
  const normalized = input.normalize('NFC')
  // checked before trimming: trim() would silently drop a leading BOM or line break
  if (CONTROL.test(normalized)) return { problem: 'NICKNAME_CONTROL_CHAR' }
  if (BIDI.test(normalized)) return { problem: 'NICKNAME_BIDI_CHAR' }
  if (HANGUL_FILLER.test(normalized)) return { problem: 'NICKNAME_BLANK_FILLER' }
  if (ZERO_WIDTH.test(normalized) || normalized.replace(ZWJ_IN_EMOJI, '').includes('\u200D'))
    return { problem: 'NICKNAME_INVISIBLE_CHAR' }
  const value = normalized.trim()
  if (!value) return { problem: 'NICKNAME_EMPTY' }
  if (LEADING_MARK.test(value)) return { problem: 'NICKNAME_BROKEN_TEXT' }
  if (MARKUP.test(value)) return { problem: 'NICKNAME_MARKUP' }
  if (value.length > NICKNAME_MAX_UNITS || graphemeCount(value) > NICKNAME_MAX) return { problem: 'NICKNAME_TOO_LONG' }
  return { value }
}
