import { useState } from 'react'
import { Button, Image, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { PrivacySheet } from '../../components/privacy-sheet'
import { ProfileForm } from '../../components/profile-form'
import { authService, useAuth } from '../../services/auth'
import { WeAuthError } from '../../../packages/contract/errors'
import { bindPhone, deleteAccount } from '../../services/profile/profile-service'
import './index.scss'

const messageOf = (e: unknown) => (e instanceof WeAuthError ? e.message : '操作失败，请重试')

/** The user center: profile, phone number, log out and account deletion. */
export default function UserCenter() {
  const { status, user } = useAuth()
  const [editing, setEditing] = useState(false)
  const [message, setMessage] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  if (!user || status !== 'logged-in') {
    return (
      <View className="card">
        <Text className="title">我的</Text>
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
    setMessage(null)
    setBusy(true)
    try {
      await bindPhone(detail)
      setMessage('手机号已绑定')
    } catch (e) {
      setMessage(messageOf(e))
    } finally {
      setBusy(false)
    }
  }

  const logout = () => {
    authService.logout()
    Taro.reLaunch({ url: '/pages/index/index' })
  }

  const remove = async () => {
    const { confirm } = await Taro.showModal({
      title: '注销账号',
      content: '注销后你的资料、头像和手机号将被永久删除，且无法恢复。确定注销吗？',
      confirmText: '注销',
      confirmColor: '#fa5151',
    })
    if (!confirm) return
    setBusy(true)
    try {
      await deleteAccount()
      Taro.showToast({ title: '账号已注销', icon: 'success' })
      Taro.reLaunch({ url: '/pages/index/index' })
    } catch (e) {
      setMessage(messageOf(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <View className="card" id="user-center">
      <View className="user__header">
        {user.avatarFileId ? (
          <Image className="user__avatar" id="user-avatar" src={user.avatarFileId} mode="aspectFill" />
        ) : (
          <View className="user__avatar" />
        )}
        <View>
          <Text className="title" id="user-nickname">
            {user.nickName || '未设置昵称'}
          </Text>
          <Text className="muted" id="user-phone">
            {user.phoneMasked ?? '未绑定手机号'}
          </Text>
        </View>
      </View>
      {editing ? (
        <ProfileForm initial={null} onDone={() => setEditing(false)} />
      ) : (
        <Button id="user-edit" onClick={() => setEditing(true)}>
          编辑资料
        </Button>
      )}
      <Button
        id="user-bind-phone"
        openType="getPhoneNumber"
        disabled={busy}
        onGetPhoneNumber={(e) => onPhone(e.detail)}
      >
        {user.phoneMasked ? '更换手机号' : '绑定手机号'}
      </Button>
      {message ? (
        <Text className="user__message" id="user-message">
          {message}
        </Text>
      ) : null}
      <Button id="user-scopes" onClick={() => Taro.navigateTo({ url: '/pages/scopes/index' })}>
        授权管理
      </Button>
      <Button id="user-logout" onClick={logout}>
        退出登录
      </Button>
      <Button className="user__danger" id="user-delete" disabled={busy} onClick={remove}>
        注销账号
      </Button>
      <PrivacySheet />
    </View>
  )
}
