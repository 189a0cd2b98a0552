/**
 * The one place the cloud environment is chosen: TARO_APP_CLOUD_ENV from the .env files Taro reads at build
 * time. Unset, wx.cloud uses the account's default environment (and the local emulator its only one).
 */
export const CLOUD_ENV: string | undefined = process.env.TARO_APP_CLOUD_ENV || undefined
