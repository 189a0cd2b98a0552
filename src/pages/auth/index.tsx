import { useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { ConsentCheckbox } from '../../components/consent-checkbox'
import { PrivacySheet } from '../../components/privacy-sheet'
import { ProfileForm } from '../../components/profile-form'
import { authService, useAuth } from '../../services/auth'
import { requestLegacyProfile, type LegacyProfile } from '../../services/profile/legacy-profile'
import './index.scss'

/** Goes back to the page that sent the user here, or to the given route when there is none. */
function returnToCaller(redirect: string | undefined) {
  if (Taro.getCurrentPages().length > 1) Taro.navigateBack()
  else Taro.reLaunch({ url: redirect ? decodeURIComponent(redirect) : '/pages/index/index' })
}

export default function AuthPage() {
  const { params } = useRouter()
  const { status, user, error } = useAuth()
  const [agreed, setAgreed] = useState(false)
  const [prefill, setPrefill] = useState<LegacyProfile | null>(null)

  const onAuthorize = () => {
    if (!agreed) {
      Taro.showToast({ title: '请先阅读并同意隐私政策', icon: 'none' })
      return
    }
    // getUserProfile only works when called synchronously from the tap, so it starts before the login round trip
    const legacy = requestLegacyProfile()
    authService
      .login()
      .then((signedIn) => {
        if (signedIn.hasProfile) returnToCaller(params.redirect)
        else return legacy.then(setPrefill)
      })
      .catch(() => {
        // the error state is shown below with a retry button
      })
  }

  if (status === 'logged-in' && user) {
    return (
      <View className="card" id="auth-success">
        <Text className="title">登录成功</Text>
        <Text className="muted">完善头像和昵称，让朋友更容易认出你</Text>
        <ProfileForm initial={prefill} onDone={() => returnToCaller(params.redirect)} />
        <Text className="link auth__skip" id="profile-skip" onClick={() => returnToCaller(params.redirect)}>
          暂不完善
        </Text>
        <PrivacySheet />
      </View>
    )
  }

  const busy = status === 'logging-in' || status === 'restoring'
  return (
    <View className="card">
      <Text className="title">授权登录</Text>
      <Text className="muted">
        我们使用你的微信身份为你创建账号，以便保存你的资料和设置。登录后你可以选择是否填写头像、昵称和手机号。
      </Text>
      <ConsentCheckbox checked={agreed} onChange={setAgreed} />
      <Button
        className="primary-button"
        id="authorize-button"
        disabled={!agreed || busy}
        loading={busy}
        onClick={onAuthorize}
      >
        {status === 'error' ? '重试' : '微信授权登录'}
      </Button>
      {status === 'error' && error ? (
        <Text className="error" id="auth-error">
          {error}
        </Text>
      ) : null}
    </View>
  )
}
