import { randomBytes } from 'node:crypto'

/** WeChat openids are 28 URL-safe base64 characters starting with 'o' (e.g. oVBkZ0aYgDMDIywRdgPW8-joxXc4). */
export const newOpenid = (): string => 'o' + randomBytes(21).toString('base64url').slice(0, 27)
export const newUnionid = (): string => 'o' + randomBytes(21).toString('base64url').slice(0, 27)
/** wx.login codes are 32 characters of [0-9a-zA-Z]. */
export const newLoginCode = (): string => randomBytes(24).toString('base64url').replace(/[-_]/g, 'x').slice(0, 32)
export const newToken = (): string => randomBytes(24).toString('base64url')
export const newSessionKey = (): string => randomBytes(16).toString('base64')

export const OPENID_PATTERN = /^[A-Za-z0-9_-]{6,64}$/
