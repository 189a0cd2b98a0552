import type { PropsWithChildren } from 'react'
import Taro, { useLaunch } from '@tarojs/taro'
import { CLOUD_ENV } from './config/cloud'
import { authService } from './services/auth'
// one instance for every page (in the main package): compiled templates register the fields they read with it
import './render/compiled-template-data'
import './app.scss'

function App({ children }: PropsWithChildren) {
  useLaunch(() => {
    // only the cloud backend talks to WeChat Cloud: an http build (your own server) may run on an AppID without
    // 云开发. The build-time constant (src/config/auth.ts) folds here, so the call leaves the http bundle.
    if (process.env.TARO_APP_AUTH_PROVIDER !== 'http') Taro.cloud.init({ env: CLOUD_ENV, traceUser: true })
    // a returning user is signed in from the cache when the WeChat session is still valid
    void authService.restore()
  })
  return children
}

export default App
