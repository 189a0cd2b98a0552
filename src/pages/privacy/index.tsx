import { Text, View } from '@tarojs/components'

/** The privacy policy the consent checkbox links to. Replace the contact line with your own. */
export default function Privacy() {
  return (
    <View className="card" id="privacy-policy">
      <Text className="title">隐私政策</Text>
      <Text className="muted">
        我们仅在你同意本政策后处理以下信息：{'\n'}
        1. 微信登录标识（openid），用于识别你的账号；{'\n'}
        2. 你主动填写的头像与昵称，用于展示个人资料；{'\n'}
        3. 你主动授权的手机号，用于账号安全与找回。{'\n'}
        你可以随时在“我的”页面修改资料、解绑手机号或注销账号；注销后我们会删除你的账号记录与上传的文件。
      </Text>
    </View>
  )
}
