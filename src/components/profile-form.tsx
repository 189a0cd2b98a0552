import { useState } from 'react'
import { Button, Image, Input, Text, View } from '@tarojs/components'
import { useAuth } from '../services/auth'
import { messageFor, WeAuthError } from '../../packages/contract/errors'
import type { LegacyProfile } from '../services/profile/legacy-profile'
import { saveProfile } from '../services/profile/profile-service'
import './profile-form.scss'

interface Props {
  /** real data from getUserProfile on old base libraries, offered as a starting point */
  initial: LegacyProfile | null
  onDone: () => void
  /** leaves the form unsaved: 取消 in the user center, 暂不完善 right after the first login */
  onCancel: () => void
  cancelText?: string
  cancelId?: string
}

/** Avatar (open-type="chooseAvatar") and nickname (type="nickname") fill-in, WeChat's current profile flow. */
export function ProfileForm({ initial, onDone, onCancel, cancelText = '取消', cancelId = 'profile-cancel' }: Props) {
  const { user } = useAuth()
  const [avatar, setAvatar] = useState<string | undefined>(undefined)
  const [nickName, setNickName] = useState(initial?.nickName ?? user?.nickName ?? '')
  const [saving, setSaving] = useState(false)
  const [error, setError] = useState<string | null>(null)

  const save = async () => {
    if (!user) return
    if (!nickName.trim()) {
      setError(messageFor('NICKNAME_EMPTY'))
      return
    }
    setSaving(true)
    setError(null)
    try {
      await saveProfile(user, { avatarTempPath: avatar, nickName })
      onDone()
    } catch (e) {
      setError(e instanceof WeAuthError ? e.message : messageFor('INTERNAL'))
    } finally {
      setSaving(false)
    }
  }

  return (
    <View className="profile-form" id="profile-form">
      <Button
        className="profile-form__avatar"
        id="profile-avatar"
        openType="chooseAvatar"
        onChooseAvatar={(e) => setAvatar(e.detail.avatarUrl)}
      >
        {avatar || user?.avatarFileId ? (
          <Image
            className="profile-form__image"
            id="profile-avatar-image"
            src={avatar ?? user!.avatarFileId}
            mode="aspectFill"
          />
        ) : (
          <Text className="profile-form__avatar-hint">选择头像</Text>
        )}
      </Button>
      <Input
        className="profile-form__nickname"
        id="profile-nickname"
        type="nickname"
        placeholder="请输入昵称"
        value={nickName}
        maxlength={20}
        onInput={(e) => setNickName(e.detail.value)}
        onBlur={(e) => setNickName(e.detail.value)}
      />
      {error ? (
        <Text className="status status--error" id="profile-error">
          {error}
        </Text>
      ) : null}
      <View className="profile-form__actions">
        <Button className="secondary-button profile-form__action" id={cancelId} disabled={saving} onClick={onCancel}>
          {cancelText}
        </Button>
        <Button
          className="primary-button profile-form__action"
          id="profile-save"
          loading={saving}
          disabled={saving}
          onClick={save}
        >
          <Text>保存</Text>
        </Button>
      </View>
    </View>
  )
}
