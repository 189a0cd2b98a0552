import { useState } from 'react'
import { Button, Image, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { PrivacySheet } from '../../components/privacy-sheet'
import { ProfileForm } from '../../components/profile-form'
import { authService, useAuth } from '../../services/auth'
import { WeAuthError } from '../../../packages/contract/errors'
import { NOTICES } from '../../../packages/contract/messages'
import { bindPhone, deleteAccount } from '../../services/profile/profile-service'
import './index.scss'

const messageOf = (e: unknown) => (e instanceof WeAuthError ? e.message : new WeAuthError('INTERNAL').message)

/** The one result line of the last action, shown under the control that started it; the next action clears it. */
type Status = { action: 'phone' | 'profile' | 'delete'; kind: 'ok' | 'error'; text: string } | null

/** The user center: profile, phone number, log out and account deletion. */
export default function UserCenter() {
  const { status: authStatus, user } = useAuth()
  const [editing, setEditing] = useState(false)
  const [status, setStatus] = useState<Status>(null)
  const [busy, setBusy] = useState(false)

  if (!user || authStatus !== 'logged-in') {
    return (
      <View className="card">
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

  const onPhone = async (detail: { errMsg?: string; code?: string; cloudID?: string }) => {
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

  const remove = async () => {
    setStatus(null)
    const { confirm } = await Taro.showModal({
      title: NOTICES.DELETE_CONFIRM_TITLE,
      content: NOTICES.DELETE_CONFIRM_BODY,
      confirmText: '注销',
      confirmColor: '#c9302c',
    })
    if (!confirm) return
    setBusy(true)
    try {
      await deleteAccount()
      // the home page shows the notice after the relaunch: a toast shown here would close with this page
      Taro.reLaunch({ url: '/pages/index/index?notice=ACCOUNT_DELETED' })
    } catch (e) {
      setStatus({ action: 'delete', kind: 'error', text: messageOf(e) })
    } finally {
      setBusy(false)
    }
  }

  const statusFor = (action: NonNullable<Status>['action'], id: string) =>
    status?.action === action ? (
      <Text className={`status status--${status.kind}`} id={id}>
        {status.text}
      </Text>
    ) : null

  return (
    <View className="user" id="user-center">
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
        {statusFor('profile', 'user-profile-message')}
        <Button
          className="secondary-button"
          id="user-bind-phone"
          openType="getPhoneNumber"
          disabled={busy}
          onGetPhoneNumber={(e) => onPhone(e.detail)}
        >
          {/* an element: a changing bare string would replace the button's children (see the auth page) */}
          <Text>{user.phoneMasked ? '更换手机号' : '绑定手机号'}</Text>
        </Button>
        {statusFor('phone', 'user-message')}
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
        <Button className="secondary-button" id="user-logout" onClick={logout}>
          退出登录
        </Button>
        <Button className="danger-button" id="user-delete" disabled={busy} onClick={remove}>
          注销账号
        </Button>
        {statusFor('delete', 'user-delete-message')}
      </View>
      <PrivacySheet />
    </View>
  )
}
