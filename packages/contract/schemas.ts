import * as v from 'valibot'
import { ERRORS } from './errors'
import { checkNickName, NICKNAME_MAX, NICKNAME_MAX_UNITS } from './nickname'

/** Inputs both backends accept (cloud functions and the own server), checked the same way. */

export { NICKNAME_MAX, NICKNAME_MAX_UNITS }

/** The nickname rule set of packages/contract/nickname.ts as a schema; the output is the stored (NFC, trimmed) form. */
export const NickName = v.pipe(
  v.string('昵称必须是文字'),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const checked = checkNickName(dataset.value)
    if ('value' in checked) return checked.value
    addIssue({ message: ERRORS[checked.problem].message })
    return NEVER
  }),
)

/** the privacy policy version the user accepted (src/config/privacy.ts) */
export const ConsentVersion = v.pipe(v.string(), v.regex(/^[\w.-]{1,32}$/, '隐私政策版本无效'))
