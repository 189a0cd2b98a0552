import type { PropsWithChildren } from 'react'
import Taro, { useLaunch } from '@tarojs/taro'
import { CLOUD_ENV } from './config/cloud'
import { authService } from './services/auth'
import './app.scss'

function App({ children }: PropsWithChildren) {
  useLaunch(() => {
    Taro.cloud.init({ env: CLOUD_ENV, traceUser: true })
    // a returning user is signed in from the cache when the WeChat session is still valid
    void authService.restore()
  })
  return children
}

export default App
