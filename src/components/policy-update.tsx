import { useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { useAuth } from '../services/auth'
import { WeAuthError } from '../../packages/contract/errors'
import { consentIsCurrent, setConsent } from '../services/profile/profile-service'
import './privacy-sheet.scss'

/**
 * Shown to a signed-in user whose accepted privacy policy version is not the one this app shows (a new version,
 * or consent withdrawn): the policy again, and a tap to accept it. Nothing is recorded until that tap; "暂不"
 * keeps the account signed in, and the backend refuses profile and phone use until the policy is accepted.
 */
export function PolicyUpdate() {
  const { status, user } = useAuth()
  const [later, setLater] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  // a never-given or withdrawn consent is offered in the user center instead of popping up
  if (status !== 'logged-in' || !user || !user.consentVersion || consentIsCurrent(user) || later) return null

  const accept = async () => {
    setBusy(true)
    setError(null)
    try {
      await setConsent('accept')
    } catch (e) {
      setError(e instanceof WeAuthError ? e.message : '操作失败，请重试')
    } finally {
      setBusy(false)
    }
  }

  return (
    <View className="privacy-sheet" id="policy-update">
      <View className="privacy-sheet__panel">
        <Text className="title">隐私政策已更新</Text>
        <Text className="muted">
          我们更新了隐私政策。请阅读新版本，同意后才能继续使用头像、昵称和手机号功能。
          <Text
            className="link"
            id="policy-update-link"
            onClick={() => Taro.navigateTo({ url: '/pages/privacy/index' })}
          >
            《隐私政策》
          </Text>
        </Text>
        <Button className="primary-button" id="policy-accept" loading={busy} disabled={busy} onClick={accept}>
          同意并继续
        </Button>
        <Button className="privacy-sheet__decline" id="policy-later" onClick={() => setLater(true)}>
          暂不同意
        </Button>
        {error ? (
          <Text className="error" id="policy-error">
            {error}
          </Text>
        ) : null}
      </View>
    </View>
  )
}
