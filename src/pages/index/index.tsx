import { Button, Text, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { BRAND } from '../../config/brand'
import { NOTICES, type NoticeId } from '../../../packages/contract/messages'
import { useAuth } from '../../services/auth'
import './index.scss'

/** A notice another page hands over with the relaunch (?notice=ACCOUNT_DELETED): only ids of the table. */
const noticeOf = (id: string | undefined): string | null =>
  id && Object.prototype.hasOwnProperty.call(NOTICES, id) ? NOTICES[id as NoticeId] : null

export default function Index() {
  const { params } = useRouter()
  const { status, user } = useAuth()
  const notice = noticeOf(params.notice)
  const goLogin = () => Taro.navigateTo({ url: '/pages/auth/index?redirect=/pages/index/index' })

  const banner = notice ? (
    <Text className="status status--ok home__notice" id="home-notice">
      {notice}
    </Text>
  ) : null

  if (user && status === 'logged-in') {
    return (
      <View className="home">
        {banner}
        <View className="card" id="home-user">
          <Text className="title" id="home-greeting">
            {user.nickName ? `你好，${user.nickName}` : '你好'}
          </Text>
          <Text className="muted" id="home-login-count">
            {user.nickName ? '' : `${NOTICES.NICKNAME_UNSET} · `}已登录 · 第 {user.loginCount} 次登录
          </Text>
          <Button
            className="primary-button"
            id="home-user-center"
            onClick={() => Taro.navigateTo({ url: '/pages/user/index' })}
          >
            我的
          </Button>
        </View>
      </View>
    )
  }
  return (
    <View className="home">
      {banner}
      <View className="card">
        <Text className="title">欢迎使用 {BRAND.name}</Text>
        <Text className="muted">{BRAND.loginPurpose}</Text>
        <Button className="primary-button" id="home-login" onClick={goLogin} loading={status === 'restoring'}>
          <Text>去登录</Text>
        </Button>
      </View>
    </View>
  )
}
