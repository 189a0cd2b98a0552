/// <reference types="@tarojs/taro" />

declare module '*.png'
declare module '*.svg'
declare module '*.scss'

declare namespace NodeJS {
  interface ProcessEnv {
    TARO_ENV: 'weapp' | 'h5'
    /** the WeChat cloud environment id; unset = the account's default environment */
    TARO_APP_CLOUD_ENV?: string
    /** cloud (default) or http: which backend the app signs in with (src/config/auth.ts) */
    TARO_APP_AUTH_PROVIDER?: string
    TARO_APP_AUTH_SERVER_URL?: string
  }
}
