import { useCallback, useRef, useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import Taro, { useDidShow, useUnload } from '@tarojs/taro'
// before every other relative import: the shared controls' rules come ahead of the components' and the
// page's own (src/styles/controls.scss)
import '../../styles/controls.scss'
import { SCOPE_NOTICES, scopeNotice } from '../../../packages/contract/scope-messages'
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

type ScopeState = 'unknown' | 'granted' | 'denied' | 'off'
const STATE_TEXT: Record<ScopeState, string> = { unknown: '未询问', granted: '已允许', denied: '已拒绝', off: '未开启' }
/**
 * What a row says. A scope WeChat never asks in a popup (background location) was never refused: false there
 * only means it is off in the settings page (startLocationUpdateBackground lists it there, off), so it reads
 * 未开启, never 已拒绝.
 */
const stateOf = (setting: AuthSetting, info: ScopeInfo): ScopeState => {
  if (setting[info.scope] === true) return 'granted'
  if (info.settingsOnly) return 'off'
  return setting[info.scope] === false ? 'denied' : 'unknown'
}

/** The one result line of the last action, under the row (or the demo) whose control started it. */
type Status = { at: string; kind: 'ok' | 'error' | 'info'; text: string } | null

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
  const [status, setStatus] = useState<Status>(null)
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
      return { ...authSetting } as AuthSetting
    } catch {
      setStatus({ at: 'page', kind: 'error', text: SCOPE_NOTICES.SCOPE_READ_FAILED })
      return null
    }
  }, [])

  // returning from the settings page (or from the system) shows the page again: read the state afresh
  useDidShow(() => void refresh())

  const request = async (info: ScopeInfo) => {
    setBusy(true)
    setStatus(null)
    try {
      await Taro.authorize({ scope: info.scope })
      setStatus({ at: info.key, kind: 'ok', text: scopeNotice.granted(info.name) })
    } catch {
      setStatus({ at: info.key, kind: 'info', text: scopeNotice.declined(info.name) })
    } finally {
      await refresh()
      setBusy(false)
    }
  }

  /**
   * Opens WeChat's settings page (from the row or demo at `at`); resolves with what the user left there and
   * says what changed, or that nothing did.
   */
  const openSettings = async (at: string): Promise<AuthSetting | null> => {
    setStatus(null)
    const before = setting
    try {
      const { authSetting } = await Taro.openSetting()
      const after = { ...authSetting } as AuthSetting
      setSetting(after)
      const opened = SCOPES.filter((i) => after[i.scope] === true && before[i.scope] !== true).map((i) => i.name)
      const closed = SCOPES.filter((i) => after[i.scope] !== true && before[i.scope] === true).map((i) => i.name)
      const changed = scopeNotice.changed(opened, closed)
      setStatus({ at, kind: changed ? 'ok' : 'info', text: changed || SCOPE_NOTICES.SCOPE_SETTINGS_UNCHANGED })
      return after
    } catch {
      setStatus({ at, kind: 'error', text: SCOPE_NOTICES.SCOPE_SETTINGS_UNAVAILABLE })
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
    setStatus(null)
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
    const result = await openSettings('background')
    if (result?.['scope.userLocationBackground']) await startBackground()
  }

  useUnload(() => {
    if (listener.current) stopBackground()
  })

  const statusAt = (at: string) =>
    status?.at === at ? (
      <Text className={`status status--${status.kind}`} id="scopes-message">
        {status.text}
      </Text>
    ) : null

  const backgroundText =
    background.status === 'running'
      ? scopeNotice.backgroundRunning(background.updates)
      : background.status === 'denied'
        ? SCOPE_NOTICES.BACKGROUND_DENIED
        : background.status === 'error'
          ? SCOPE_NOTICES.BACKGROUND_FAILED
          : SCOPE_NOTICES.BACKGROUND_OFF

  return (
    <View className="scopes" id="scopes">
      <View className="card">
        {/* the navigation bar already says 授权管理 */}
        <Text className="muted">
          这里列出本小程序会用到的权限和用途。你可以随时开启或关闭，关闭后相关功能将不可用。
        </Text>
        {statusAt('page')}
        <View className="scopes__list">
          {SCOPES.map((info) => {
            const state = stateOf(setting, info)
            return (
              <View className="scopes__item" key={info.key}>
                <View className="scopes__row" id={`scope-${info.key}`}>
                  <View className="scopes__info">
                    <Text className="scopes__name">{info.name}</Text>
                    <Text className={`scopes__state scopes__state--${state}`} id={`scope-${info.key}-state`}>
                      {STATE_TEXT[state]} · {info.purpose}
                    </Text>
                  </View>
                  {state === 'unknown' ? (
                    <Button
                      className="scopes__action scopes__action--primary"
                      id={`scope-${info.key}-request`}
                      disabled={busy}
                      onClick={() => request(info)}
                    >
                      授权
                    </Button>
                  ) : null}
                  {state === 'denied' || state === 'off' ? (
                    <Button
                      className="scopes__action"
                      id={`scope-${info.key}-settings`}
                      disabled={busy}
                      onClick={() => void openSettings(info.key)}
                    >
                      去设置
                    </Button>
                  ) : null}
                  {state === 'granted' ? <Text className="scopes__granted">已开启</Text> : null}
                </View>
                {statusAt(info.key)}
              </View>
            )
          })}
        </View>
      </View>

      <View className="card">
        <Text className="section-title scopes__demo-title">后台定位演示</Text>
        <Text className="muted">开启后，离开小程序时仍会收到位置更新。</Text>
        <Text className={`status status--${background.status === 'running' ? 'ok' : 'info'}`} id="bg-status">
          {backgroundText}
        </Text>
        {background.position ? (
          <Text className="scopes__position" id="bg-position">
            {background.position}
          </Text>
        ) : null}
        {background.status === 'denied' ? (
          <View>
            <Text className="scopes__guide" id="bg-guide">
              {SCOPE_NOTICES.BACKGROUND_GUIDE}
            </Text>
            <Button className="primary-button" id="bg-settings" disabled={busy} onClick={() => void enableInSettings()}>
              去设置
            </Button>
          </View>
        ) : null}
        {background.status === 'running' ? (
          <Button
            className="secondary-button"
            id="bg-stop"
            onClick={() => {
              setStatus(null)
              stopBackground()
              setBackground((b) => ({ ...b, status: 'off' }))
            }}
          >
            停止后台定位
          </Button>
        ) : background.status !== 'denied' ? (
          <Button className="primary-button" id="bg-start" disabled={busy} onClick={() => void startBackground()}>
            开启后台定位
          </Button>
        ) : null}
        {statusAt('background')}
      </View>
    </View>
  )
}
