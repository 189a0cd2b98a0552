import { randomBytes } from 'node:crypto'

/** The request id WeChat's server APIs append to every errmsg: "668f2aa4-51c08c03-3d141241". */
export const wechatRid = (): string => [0, 0, 0].map(() => randomBytes(4).toString('hex')).join('-')
