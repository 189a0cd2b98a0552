import { useRef, useState } from 'react'
import { Button, Form, Image, Input, Text, View } from '@tarojs/components'
import { useAuth } from '../services/auth'
import { messageFor, WeAuthError } from '../../packages/contract/errors'
import { NICKNAME_MAX_UNITS } from '../../packages/contract/nickname'
import { requirePrivacy } from '../services/privacy/privacy-guide'
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

/**
 * Avatar (open-type="chooseAvatar") and nickname (type="nickname") fill-in, WeChat's current profile flow
 * (https://developers.weixin.qq.com/miniprogram/dev/framework/open-ability/userProfile.html):
 * - the nickname is read from the form's submit event (a Form with a formType="submit" button), because a
 *   nickname picked from WeChat's keyboard bar may fire no input event, and WeChat may clear a nickname that
 *   fails its own check on blur: the submitted value is what WeChat left in the field;
 * - bindnicknamereview (pass / timeout, 3.1.0+) says whether WeChat's own check passed; a failed one is shown,
 *   a timeout lets our server-side check decide;
 * - requirePrivacyAuthorize runs when the nickname field is focused (2.32.3+), before WeChat reads the name.
 * A refusal keeps everything the user typed and says why.
 */
export function ProfileForm({ initial, onDone, onCancel, cancelText = '取消', cancelId = 'profile-cancel' }: Props) {
  const { user } = useAuth()
  const [avatar, setAvatar] = useState<string | undefined>(undefined)
  const [nickName, setNickName] = useState(initial?.nickName ?? user?.nickName ?? '')
  const [saving, setSaving] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [reviewFailed, setReviewFailed] = useState(false)
  // one save at a time, even when the tap and the form's submit both ask for it in the same tick
  const inFlight = useRef(false)

  const save = async (submitted: string | undefined) => {
    if (!user || saving || inFlight.current) return
    const value = typeof submitted === 'string' ? submitted : nickName
    setNickName(value)
    if (!value.trim()) {
      setError(messageFor('NICKNAME_EMPTY'))
      return
    }
    if (reviewFailed) {
      setError('微信未通过这个昵称的安全检查，请换一个昵称')
      return
    }
    inFlight.current = true
    setSaving(true)
    setError(null)
    try {
      await saveProfile(user, { avatarTempPath: avatar, nickName: value })
      onDone()
    } catch (e) {
      setError(e instanceof WeAuthError ? e.message : messageFor('INTERNAL'))
    } finally {
      inFlight.current = false
      setSaving(false)
    }
  }

  const askPrivacy = async () => {
    if (!(await requirePrivacy())) setError(messageFor('PRIVACY_REFUSED'))
  }

  return (
    <Form
      className="profile-form"
      id="profile-form"
      onSubmit={(e) => void save((e.detail.value as { nickName?: string } | undefined)?.nickName)}
    >
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
        name="nickName"
        type="nickname"
        placeholder="请输入昵称"
        value={nickName}
        maxlength={NICKNAME_MAX_UNITS}
        onFocus={() => void askPrivacy()}
        onInput={(e) => {
          setNickName(e.detail.value)
          setReviewFailed(false)
        }}
        onBlur={(e) => setNickName(e.detail.value)}
        onNickNameReview={(e: { detail: { pass?: boolean; timeout?: boolean } }) => {
          const failed = e.detail.pass === false && !e.detail.timeout
          setReviewFailed(failed)
          if (failed) setError('微信未通过这个昵称的安全检查，请换一个昵称')
        }}
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
          formType="submit"
          // Taro's H5 Form (the browser playground) does not deliver the submit event: there the tap saves the
          // typed nickname; on WeChat the form's submit is the one path (docs/playground.md)
          onClick={process.env.TARO_ENV === 'h5' ? () => void save(undefined) : undefined}
          loading={saving}
          disabled={saving}
        >
          <Text>保存</Text>
        </Button>
      </View>
    </Form>
  )
}
