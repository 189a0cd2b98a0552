import { Button, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { useAuth } from '../../services/auth'

export default function Index() {
  const { status, user } = useAuth()
  const goLogin = () => Taro.navigateTo({ url: '/pages/auth/index?redirect=/pages/index/index' })

  if (user && status === 'logged-in') {
    return (
      <View className="card" id="home-user">
        <Text className="title" id="home-greeting">
          你好，{user.nickName || '微信用户'}
        </Text>
        <Text className="muted" id="home-login-count">
          已登录 · 第 {user.loginCount} 次登录
        </Text>
        <Button
          className="primary-button"
          id="home-user-center"
          onClick={() => Taro.navigateTo({ url: '/pages/user/index' })}
        >
          我的
        </Button>
      </View>
    )
  }
  return (
    <View className="card">
      <Text className="title">欢迎使用 WeAuth</Text>
      <Text className="muted">登录后可同步你的资料与设置</Text>
      <Button className="primary-button" id="home-login" onClick={goLogin} loading={status === 'restoring'}>
        去登录
      </Button>
    </View>
  )
}
