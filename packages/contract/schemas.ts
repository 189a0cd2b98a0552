import * as v from 'valibot'

/** Inputs both backends accept (cloud functions and the own server), checked the same way. */

export const NICKNAME_MAX = 20

export const NickName = v.pipe(
  v.string('昵称必须是文字'),
  v.trim(),
  v.minLength(1, '昵称不能为空'),
  v.maxGraphemes(NICKNAME_MAX, `昵称最多 ${NICKNAME_MAX} 个字`),
  v.regex(/^[^\u0000-\u001f\u007f<>]+$/u, '昵称包含不支持的字符'),
)

/** the privacy policy version the user accepted (src/config/privacy.ts) */
export const ConsentVersion = v.pipe(v.string(), v.regex(/^[\w.-]{1,32}$/, '隐私政策版本无效'))
