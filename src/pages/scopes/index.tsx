import { useCallback, useRef, useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import Taro, { useDidShow, useUnload } from '@tarojs/taro'
import './index.scss'

/** The scopes this mini program uses, why, and whether WeChat lets us ask for them in a popup. */
interface ScopeInfo {
  scope: string
  /** element id part */
  key: string
  name: string
  purpose: string
  /** scope.userLocationBackground is never asked in a popup: only the settings page grants it */
  settingsOnly?: boolean
}

const SCOPES: ScopeInfo[] = [
  { scope: 'scope.userLocation', key: 'userLocation', name: '位置信息', purpose: '查看附近门店、记录运动轨迹' },
  {
    scope: 'scope.userLocationBackground',
    key: 'userLocationBackground',
    name: '后台定位',
    purpose: '离开小程序后继续记录轨迹',
    settingsOnly: true,
  },
  { scope: 'scope.writePhotosAlbum', key: 'writePhotosAlbum', name: '保存到相册', purpose: '保存海报和二维码' },
  { scope: 'scope.camera', key: 'camera', name: '摄像头', purpose: '扫码和拍摄头像' },
  { scope: 'scope.record', key: 'record', name: '麦克风', purpose: '发送语音留言' },
  { scope: 'scope.werun', key: 'werun', name: '微信运动步数', purpose: '同步每日步数' },
]

type AuthSetting = Record<string, boolean | undefined>
type BackgroundStatus = 'off' | 'running' | 'denied' | 'error'

const STATE_TEXT = { unknown: '未询问', granted: '已允许', denied: '已拒绝' } as const
const stateOf = (setting: AuthSetting, scope: string) =>
  setting[scope] === true ? 'granted' : setting[scope] === false ? 'denied' : 'unknown'

const errMsgOf = (e: unknown) => String((e as { errMsg?: string })?.errMsg ?? e)

/** startLocationUpdateBackground through its callbacks (the form every base library supports). */
const startBackgroundUpdates = () =>
  new Promise<void>((resolve, reject) => Taro.startLocationUpdateBackground({ success: () => resolve(), fail: reject }))

/**
 * 授权管理: every scope with its state from getSetting, a request through authorize when never asked, and
 * the settings page (openSetting, from a tap as WeChat requires) once denied, since WeChat never asks again.
 * Below, the background-location demo: startLocationUpdateBackground + onLocationChange.
 */
export default function ScopeCenter() {
  const [setting, setSetting] = useState<AuthSetting>({})
  const [message, setMessage] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [background, setBackground] = useState<{ status: BackgroundStatus; updates: number; position: string }>({
    status: 'off',
    updates: 0,
    position: '',
  })
  const listener = useRef<((res: { latitude: number; longitude: number }) => void) | null>(null)

  const refresh = useCallback(async () => {
    try {
      const { authSetting } = await Taro.getSetting()
      setSetting({ ...authSetting } as AuthSetting)
    } catch {
      setMessage('读取授权状态失败，请重试')
    }
  }, [])

  // returning from the settings page (or from the system) shows the page again: read the state afresh
  useDidShow(() => void refresh())

  const request = async (info: ScopeInfo) => {
    setBusy(true)
    setMessage(null)
    try {
      await Taro.authorize({ scope: info.scope })
      setMessage(`已允许「${info.name}」`)
    } catch {
      setMessage(`你没有允许「${info.name}」，需要时可点“去设置”开启`)
    } finally {
      await refresh()
      setBusy(false)
    }
  }

  /** Opens WeChat's settings page; resolves with what the user left there. */
  const openSettings = async (): Promise<AuthSetting | null> => {
    setMessage(null)
    try {
      const { authSetting } = await Taro.openSetting()
      setSetting({ ...authSetting } as AuthSetting)
      setMessage('授权设置已更新')
      return authSetting as AuthSetting
    } catch {
      setMessage('无法打开设置页，请在右上角“…” → “设置”中操作')
      return null
    }
  }

  const stopBackground = () => {
    Taro.stopLocationUpdate({})
    if (listener.current) Taro.offLocationChange(listener.current)
    listener.current = null
  }

  const startBackground = async () => {
    setBusy(true)
    setMessage(null)
    try {
      // the foreground scope first: it has a popup, and the settings page then lists 位置信息
      if (setting['scope.userLocation'] === undefined)
        await Taro.authorize({ scope: 'scope.userLocation' }).catch(() => undefined)
      await startBackgroundUpdates()
      if (!listener.current) {
        listener.current = (res) => {
          setBackground((b) => ({
            ...b,
            updates: b.updates + 1,
            position: `${res.latitude.toFixed(6)}, ${res.longitude.toFixed(6)}`,
          }))
        }
        Taro.onLocationChange(listener.current)
      }
      setBackground((b) => ({ ...b, status: 'running' }))
    } catch (e) {
      setBackground((b) => ({ ...b, status: /auth deny|authorize/i.test(errMsgOf(e)) ? 'denied' : 'error' }))
    } finally {
      await refresh()
      setBusy(false)
    }
  }

  const enableInSettings = async () => {
    const result = await openSettings()
    if (result?.['scope.userLocationBackground']) await startBackground()
  }

  useUnload(() => {
    if (listener.current) stopBackground()
  })

  return (
    <View className="card" id="scopes">
      <Text className="title">授权管理</Text>
      <Text className="muted">这里列出本小程序会用到的权限。你可以随时开启或关闭，关闭后相关功能将不可用。</Text>
      {SCOPES.map((info) => {
        const state = stateOf(setting, info.scope)
        return (
          <View className="scopes__row" key={info.key} id={`scope-${info.key}`}>
            <View className="scopes__info">
              <Text className="scopes__name">{info.name}</Text>
              <Text className={`scopes__state scopes__state--${state}`} id={`scope-${info.key}-state`}>
                {STATE_TEXT[state]} · {info.purpose}
              </Text>
            </View>
            {state === 'unknown' && !info.settingsOnly ? (
              <Button
                className="scopes__action"
                size="mini"
                id={`scope-${info.key}-request`}
                disabled={busy}
                onClick={() => request(info)}
              >
                授权
              </Button>
            ) : null}
            {state === 'denied' || (state === 'unknown' && info.settingsOnly) ? (
              <Button
                className="scopes__action"
                size="mini"
                id={`scope-${info.key}-settings`}
                disabled={busy}
                onClick={() => void openSettings()}
              >
                去设置
              </Button>
            ) : null}
          </View>
        )
      })}
      {message ? (
        <Text className="scopes__message" id="scopes-message">
          {message}
        </Text>
      ) : null}

      <Text className="scopes__section">后台定位演示</Text>
      <Text className="muted" id="bg-status">
        {background.status === 'running'
          ? `后台定位中 · 已收到 ${background.updates} 次位置更新`
          : background.status === 'denied'
            ? '未开启后台定位'
            : background.status === 'error'
              ? '后台定位启动失败，请重试'
              : '未开启'}
      </Text>
      {background.position ? (
        <Text className="muted" id="bg-position">
          {background.position}
        </Text>
      ) : null}
      {background.status === 'denied' ? (
        <View>
          <Text className="scopes__message" id="bg-guide">
            请在设置页将“位置信息”设为“使用小程序期间和离开小程序后”
          </Text>
          <Button id="bg-settings" disabled={busy} onClick={() => void enableInSettings()}>
            去设置
          </Button>
        </View>
      ) : null}
      {background.status === 'running' ? (
        <Button
          id="bg-stop"
          onClick={() => {
            stopBackground()
            setBackground((b) => ({ ...b, status: 'off' }))
          }}
        >
          停止后台定位
        </Button>
      ) : (
        <Button className="primary-button" id="bg-start" disabled={busy} onClick={() => void startBackground()}>
          开启后台定位
        </Button>
      )}
    </View>
  )
}
