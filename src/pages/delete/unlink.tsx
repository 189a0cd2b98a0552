import { useEffect, useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
// before every other relative import: the shared controls' rules come ahead of the components' and the
// page's own (src/styles/controls.scss)
import '../../styles/controls.scss'
import { ConfirmRow } from '../../components/confirm-row'
import { useAuth } from '../../services/auth'
import { WeAuthError } from '../../../packages/contract/errors'
import { UNLINK_NOTICES } from '../../../packages/contract/unlink-messages'
import { linkedApps, unlinkThisApp } from '../../services/profile/profile-service'
import './index.scss'

type Step =
  | { step: 'loading' }
  | { step: 'failed'; message: string }
  | { step: 'ask'; apps: number }
  | { step: 'unlinked' }

const messageOf = (e: unknown) => (e instanceof WeAuthError ? e.message : new WeAuthError('INTERNAL').message)

/**
 * "解除本小程序的关联": first asks the backend how many mini programs the account is signed into from, then says
 * exactly what will happen before anything is done: with other apps left, this app's login identity and its privacy
 * consent go and the account stays; when this app is the last one, unlinking is a deletion of the whole account,
 * and the page says so in the deletion notice's words. Nothing happens until the person ticks and taps.
 */
export default function UnlinkApp() {
  const { status, user } = useAuth()
  const [view, setView] = useState<Step>({ step: 'loading' })
  const [understood, setUnderstood] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const signedIn = status === 'logged-in' && !!user

  const load = () => {
    setView({ step: 'loading' })
    linkedApps().then(
      (apps) =>
        setView(
          apps === null ? { step: 'failed', message: new WeAuthError('UNSUPPORTED').message } : { step: 'ask', apps },
        ),
      () => setView({ step: 'failed', message: UNLINK_NOTICES.UNLINK_PREVIEW_FAILED }),
    )
  }
  useEffect(() => {
    if (signedIn) load()
  }, [signedIn])

  if (view.step === 'unlinked') {
    return (
      <View className="card" id="unlink-done">
        <Text className="title">已解除关联</Text>
        <Text className="muted">{UNLINK_NOTICES.UNLINK_DONE}</Text>
        <Button
          className="primary-button"
          id="unlink-done-dismiss"
          onClick={() => Taro.reLaunch({ url: '/pages/index/index' })}
        >
          知道了
        </Button>
      </View>
    )
  }
  if (!signedIn) {
    return (
      <View className="card" id="unlink-signed-out">
        <Text className="title">解除本小程序的关联</Text>
        <Text className="muted">请先登录后再操作。</Text>
      </View>
    )
  }
  if (view.step === 'loading') {
    return (
      <View className="card" id="unlink-loading">
        <Text className="muted">正在读取账号关联的小程序…</Text>
      </View>
    )
  }
  if (view.step === 'failed') {
    return (
      <View className="card" id="unlink-failed">
        <Text className="error">{view.message}</Text>
        <Button className="primary-button" id="unlink-retry" onClick={load}>
          重试
        </Button>
      </View>
    )
  }

  const last = view.apps <= 1
  const confirm = async () => {
    if (!understood) return
    setBusy(true)
    setError(null)
    try {
      const done = await unlinkThisApp()
      // the last app's unlink deleted the account: its receipt waits on the deletion page until dismissed
      if (done.accountDeleted) Taro.reLaunch({ url: '/pages/delete/index' })
      else setView({ step: 'unlinked' })
    } catch (e) {
      setError(messageOf(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <View className="card" id={last ? 'unlink-is-deletion' : 'unlink-notice'}>
      <Text className="title">{last ? '解除关联即注销账号' : '解除本小程序的关联'}</Text>
      {last ? (
        <View>
          <Text className="muted">
            你的账号只在本小程序中登录过，解除关联后就没有小程序能登录它了，因此这会注销你的整个账号。以下内容将被永久删除，且无法恢复：
          </Text>
          <View className="delete__list">
            <Text className="delete__item">· 你的账号记录：微信身份标识、登录记录、隐私政策同意记录</Text>
            <Text className="delete__item">· 你的昵称和头像（包括上传的全部头像文件）</Text>
            <Text className="delete__item">· 你绑定的手机号</Text>
          </View>
        </View>
      ) : (
        <View>
          <Text className="muted" id="unlink-apps">
            你的账号目前在 {view.apps} 个小程序中登录。解除后将删除：
          </Text>
          <View className="delete__list">
            <Text className="delete__item">· 本小程序的登录身份（微信身份标识）</Text>
            <Text className="delete__item">· 你在本小程序中的隐私政策同意记录</Text>
          </View>
          <Text className="muted">
            你的账号、昵称、头像、手机号，以及其他 {view.apps - 1}{' '}
            个小程序中的登录都会保留。本小程序将退出登录；以后在本小程序再次登录，会重新关联到同一个账号，并需要重新同意本小程序的隐私政策。
          </Text>
        </View>
      )}
      <ConfirmRow
        id="unlink-understood"
        checked={understood}
        onChange={setUnderstood}
        label={last ? '我已了解注销后数据无法恢复' : '我已了解解除关联的影响'}
      />
      <Button
        className="delete__danger"
        id="unlink-confirm"
        disabled={!understood || busy}
        loading={busy}
        onClick={confirm}
      >
        {last ? '确认注销' : '确认解除关联'}
      </Button>
      <Button id="unlink-cancel" onClick={() => Taro.navigateBack()}>
        再想想
      </Button>
      {error ? (
        <Text className="error" id="unlink-error">
          {error}
        </Text>
      ) : null}
    </View>
  )
}
