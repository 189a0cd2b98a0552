import { Text, View } from '@tarojs/components'

/** The user agreement the consent checkbox links to. Replace the operator and contact lines with your own. */
export default function Agreement() {
  return (
    <View className="card" id="user-agreement">
      <Text className="title">用户协议</Text>
      <Text className="muted">
        欢迎使用本小程序。登录即表示你同意：{'\n'}
        1. 你使用本人的微信账号登录，不冒用他人身份；{'\n'}
        2. 你填写的昵称和头像不含违法违规内容，我们会通过微信内容安全接口检查昵称；{'\n'}
        3. 你可以随时退出登录或在“我的”页面注销账号，注销后账号记录与上传的文件将被删除且不可恢复；{'\n'}
        4. 个人信息的处理方式见《隐私政策》。
      </Text>
    </View>
  )
}
