import * as v from 'valibot'

/** The dynamic code of <button open-type="getPhoneNumber"> (base library 2.21.2+), or a CloudID from older ones. */
export const PhoneProof = v.union(
  [
    v.object({ code: v.pipe(v.string(), v.minLength(1), v.maxLength(256)) }),
    v.object({ cloudId: v.pipe(v.string(), v.minLength(1), v.maxLength(512)) }),
  ],
  '需要手机号授权码',
)
