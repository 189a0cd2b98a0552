import { useState } from 'react'
import { Button, Image, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
// before every other relative import: the shared controls' rules come ahead of the components' and the
// page's own (src/styles/controls.scss)
import '../../styles/controls.scss'
import { PrivacySheet } from '../../components/privacy-sheet'
import { PolicyUpdate } from '../../components/policy-update'
import { ProfileForm } from '../../components/profile-form'
import { authService, useAuth } from '../../services/auth'
import { WeAuthError } from '../../../packages/contract/errors'
import { NOTICES } from '../../../packages/contract/messages'
import {
  bindPhone,
  canUnlink,
  consentIsCurrent,
  setConsent,
  type PhoneNumberDetail,
} from '../../services/profile/profile-service'
import { realtimePhoneAvailable } from '../../services/profile/realtime-phone'
import './index.scss'

const messageOf = (e: unknown) => (e instanceof WeAuthError ? e.message : new WeAuthError('INTERNAL').message)

/** The one result line of the last action, shown under the control that started it; the next action clears it. */
type Status = { action: 'phone' | 'profile' | 'consent'; kind: 'ok' | 'error'; text: string } | null

/** The user center: profile, phone number, log out and account deletion. */
export default function UserCenter() {
  const { status: authStatus, user } = useAuth()
  const [editing, setEditing] = useState(false)
  const [status, setStatus] = useState<Status>(null)
  const [busy, setBusy] = useState(false)

  if (!user || authStatus !== 'logged-in') {
    return (
      <View compileMode key="user-signed-out" className="card">
        <Text className="title">我的</Text>
        <Text className="muted">登录后可查看和管理你的资料</Text>
        <Button
          className="primary-button"
          id="user-login"
          onClick={() => Taro.navigateTo({ url: '/pages/auth/index?redirect=/pages/user/index' })}
        >
          去登录
        </Button>
      </View>
    )
  }

  const onPhone = async (detail: PhoneNumberDetail) => {
    setStatus(null)
    setBusy(true)
    try {
      await bindPhone(detail)
      setStatus({ action: 'phone', kind: 'ok', text: NOTICES.PHONE_BOUND })
    } catch (e) {
      setStatus({ action: 'phone', kind: 'error', text: messageOf(e) })
    } finally {
      setBusy(false)
    }
  }

  const logout = () => {
    authService.logout()
    Taro.reLaunch({ url: '/pages/index/index' })
  }

  // the deletion-notice page says what goes and asks for an explicit confirmation before anything is removed
  const remove = () => {
    setStatus(null)
    Taro.navigateTo({ url: '/pages/delete/index' })
  }

  /** Withdrawing stops every profile and phone use until the policy is accepted again (the account stays). */
  const withdraw = async () => {
    setStatus(null)
    const { confirm } = await Taro.showModal({
      title: '撤回隐私政策同意',
      content:
        '撤回后，我们将停止使用你的头像、昵称和手机号，相关功能暂不可用，直到你再次同意。账号会保留；如需删除数据，请使用“注销账号”。',
      confirmText: '撤回',
    })
    if (!confirm) return
    await consentAction('withdraw', '已撤回同意。需要时可随时重新同意隐私政策')
  }

  /** An explicit tap next to the policy link: the only way a withdrawn or never-given consent is recorded. */
  const consentAction = async (action: 'accept' | 'withdraw', done: string) => {
    setStatus(null)
    setBusy(true)
    try {
      await setConsent(action)
      setStatus({ action: 'consent', kind: 'ok', text: done })
    } catch (e) {
      setStatus({ action: 'consent', kind: 'error', text: messageOf(e) })
    } finally {
      setBusy(false)
    }
  }

  const consented = consentIsCurrent(user)
  // changing a bound number asks for a freshly verified one where the base library has it (2.24.4+)
  const realtime = !!user.phoneMasked && realtimePhoneAvailable()

  // one status line per action, under the control that started it: written out at each place (not a helper
  // returning JSX) so compile mode keeps each a conditional in the template, not an empty slot
  const shown = (action: NonNullable<Status>['action']) => (status?.action === action ? status : null)
  const profileStatus = shown('profile')
  const phoneStatus = shown('phone')
  const consentStatus = shown('consent')

  return (
    <>
      <View compileMode key="user-center" className="user" id="user-center">
        <View className="card user__header">
          {user.avatarFileId ? (
            <Image className="user__avatar" id="user-avatar" src={user.avatarFileId} mode="aspectFill" />
          ) : (
            <View className="user__avatar user__avatar--empty">
              <Text className="user__avatar-letter">{(user.nickName || '我').slice(0, 1)}</Text>
            </View>
          )}
          <View className="user__identity">
            <Text
              className={user.nickName ? 'user__nickname' : 'user__nickname user__nickname--unset'}
              id="user-nickname"
            >
              {user.nickName || NOTICES.NICKNAME_UNSET}
            </Text>
            <Text className="user__phone" id="user-phone">
              {user.phoneMasked ?? '未绑定手机号'}
            </Text>
          </View>
        </View>

        <View className="card user__section">
          {editing ? (
            <ProfileForm
              initial={null}
              onDone={() => {
                setEditing(false)
                setStatus({ action: 'profile', kind: 'ok', text: NOTICES.PROFILE_SAVED })
              }}
              onCancel={() => setEditing(false)}
            />
          ) : (
            <Button
              className="secondary-button"
              id="user-edit"
              onClick={() => {
                setStatus(null)
                setEditing(true)
              }}
            >
              编辑资料
            </Button>
          )}
          {profileStatus ? (
            <Text className={`status status--${profileStatus.kind}`} id="user-profile-message">
              {profileStatus.text}
            </Text>
          ) : null}
          {realtime ? (
            <Button
              className="secondary-button"
              id="user-bind-phone"
              openType="getRealtimePhoneNumber"
              disabled={busy}
              onGetRealTimePhoneNumber={(e) => onPhone(e.detail as PhoneNumberDetail)}
            >
              <Text>更换手机号</Text>
            </Button>
          ) : (
            <Button
              className="secondary-button"
              id="user-bind-phone"
              openType="getPhoneNumber"
              disabled={busy}
              onGetPhoneNumber={(e) => onPhone(e.detail)}
            >
              {/* elements: a changing bare string would replace the button's children (see the auth page) */}
              {user.phoneMasked ? <Text>更换手机号</Text> : <Text>绑定手机号</Text>}
            </Button>
          )}
          {phoneStatus ? (
            <Text className={`status status--${phoneStatus.kind}`} id="user-message">
              {phoneStatus.text}
            </Text>
          ) : null}
          <Button
            className="secondary-button"
            id="user-scopes"
            onClick={() => {
              setStatus(null)
              Taro.navigateTo({ url: '/pages/scopes/index' })
            }}
          >
            授权管理
          </Button>
        </View>

        <View className="card user__section">
          {consented ? (
            <Button className="secondary-button" id="user-withdraw-consent" disabled={busy} onClick={withdraw}>
              <Text>撤回隐私政策同意</Text>
            </Button>
          ) : !user.consentVersion ? (
            <View id="user-consent-missing">
              <Text className="muted">
                你尚未同意（或已撤回）
                <Text
                  className="link"
                  id="user-policy-link"
                  onClick={() => Taro.navigateTo({ url: '/pages/privacy/index' })}
                >
                  《隐私政策》
                </Text>
                ，头像、昵称和手机号功能暂不可用。
              </Text>
              <Button
                className="secondary-button"
                id="user-accept-consent"
                disabled={busy}
                onClick={() => void consentAction('accept', '已同意隐私政策')}
              >
                <Text>阅读并同意隐私政策</Text>
              </Button>
            </View>
          ) : null}
          {consentStatus ? (
            <Text className={`status status--${consentStatus.kind}`} id="user-consent-message">
              {consentStatus.text}
            </Text>
          ) : null}
          <Button className="secondary-button" id="user-logout" onClick={logout}>
            退出登录
          </Button>
          {canUnlink() ? (
            <Button
              className="secondary-button"
              id="user-unlink"
              disabled={busy}
              onClick={() => {
                setStatus(null)
                Taro.navigateTo({ url: '/pages/delete/unlink' })
              }}
            >
              <Text>解除本小程序的关联</Text>
            </Button>
          ) : null}
          <Button className="danger-button" id="user-delete" disabled={busy} onClick={remove}>
            注销账号
          </Button>
        </View>
      </View>
      <PrivacySheet />
      <PolicyUpdate />
    </>
  )
}
