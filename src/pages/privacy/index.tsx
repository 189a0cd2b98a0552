import { PolicyDocument, type PolicySection } from '../../components/policy-document'
import { BRAND } from '../../config/brand'
import { PRIVACY_POLICY_VERSION } from '../../config/privacy'

/**
 * The privacy policy the consent row links to. It promises only what the app does: each right below is a
 * control that exists in the user center (编辑资料, 绑定/更换手机号, 退出登录, 注销账号). Keep it in step with
 * the 用户隐私保护指引 filled in on the WeChat console (README "Going live").
 */
const SECTIONS: PolicySection[] = [
  {
    heading: '我们处理哪些信息',
    lead: '只有在你同意本政策之后，我们才会处理以下信息：',
    points: [
      '微信登录标识（openid）：用于识别你的账号，登录时由微信提供。',
      '头像与昵称：仅在你主动填写时保存，用于展示你的资料。',
      '手机号：仅在你点击“绑定手机号”并在微信弹窗中允许后获取，用于账号安全。页面只显示打码后的号码。',
      '位置信息：仅在你于“授权管理”中开启后台定位演示时，在本机显示位置，不上传、不保存。',
    ],
  },
  {
    heading: '我们如何保存和使用',
    points: [
      '信息保存在本小程序的服务端数据库中，只通过你本人登录的账号读取，其他用户无法查看。',
      '昵称保存前会提交微信内容安全接口检查，除此之外不向任何第三方提供你的信息。',
    ],
  },
  {
    heading: '你的权利',
    points: [
      '修改资料：在“我的”页面点击“编辑资料”，随时修改头像和昵称。',
      '手机号：在“我的”页面绑定或更换手机号。',
      '撤回授权：在“授权管理”中查看各项权限，并可前往设置页关闭。',
      '注销账号：在“我的”页面注销后，我们会删除你的账号记录、头像和手机号，且无法恢复。',
    ],
  },
  {
    heading: '联系我们',
    points: [`如对本政策有疑问，或需要查询、更正你的信息，请联系 ${BRAND.operator}：${BRAND.contact}。`],
  },
]

export default function Privacy() {
  return (
    <PolicyDocument
      id="privacy-policy"
      title="隐私政策"
      meta={`版本 ${PRIVACY_POLICY_VERSION} · ${BRAND.name}`}
      intro={`${BRAND.name}重视你的个人信息。本政策说明我们处理哪些信息、为什么处理，以及你可以怎样管理它们。`}
      sections={SECTIONS}
    />
  )
}
