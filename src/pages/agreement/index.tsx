import { PolicyDocument, type PolicySection } from '../../components/policy-document'
import { BRAND } from '../../config/brand'

/** The user agreement the consent row links to. Put your operator and contact in src/config/brand.ts. */
const SECTIONS: PolicySection[] = [
  {
    heading: '账号与登录',
    points: [
      '你使用本人的微信账号登录，不冒用他人身份。我们用微信提供的标识（openid）识别你的账号，不会获得你的微信密码。',
      '登录状态保存在你的手机上；退出登录后，本机不再保留登录状态。',
    ],
  },
  {
    heading: '你填写的内容',
    points: [
      '头像、昵称和手机号都由你决定是否填写，不填写不影响登录。',
      '你填写的昵称和头像不得含有违法违规内容。昵称保存前会经过微信内容安全接口检查，未通过的不会保存。',
    ],
  },
  {
    heading: '注销账号',
    points: [
      '你可以随时在“我的”页面注销账号。注销后，你的账号记录、头像和手机号将被删除且无法恢复。',
      '注销不影响你的微信账号本身。',
    ],
  },
  {
    heading: '个人信息与联系我们',
    points: [
      '我们如何处理你的个人信息，见《隐私政策》。',
      `对本协议有疑问，可以联系 ${BRAND.operator}：${BRAND.contact}。`,
    ],
  },
]

export default function Agreement() {
  return (
    <PolicyDocument
      id="user-agreement"
      title="用户协议"
      meta={`${BRAND.name} · ${BRAND.operator}`}
      intro={`欢迎使用${BRAND.name}。登录即表示你已阅读并同意本协议。`}
      sections={SECTIONS}
    />
  )
}
