import { useCallback, useLayoutEffect, useRef, useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import Taro, { useDidShow } from '@tarojs/taro'
import './privacy-sheet.scss'

type Resolve = (result: { event: 'agree' | 'disagree'; buttonId?: string }) => void

/**
 * WeChat's privacy guide flow (base library 2.32.3+): when a privacy API (chooseAvatar, nickname input,
 * getPhoneNumber...) is used before the user agreed, WeChat calls onNeedPrivacyAuthorization and waits for
 * the page to answer; agreement must come from a button with open-type="agreePrivacyAuthorization".
 * The listener is (re)registered on mount and on every show because WeChat keeps only the latest one.
 */
export function PrivacySheet() {
  const [open, setOpen] = useState(false)
  const pending = useRef<Resolve | null>(null)

  const register = useCallback(() => {
    if (typeof Taro.onNeedPrivacyAuthorization !== 'function') return
    Taro.onNeedPrivacyAuthorization((resolve) => {
      pending.current = resolve as Resolve
      setOpen(true)
    })
  }, [])
  // on mount too: a sheet rendered after the page's onShow (e.g. once logged in) would otherwise never listen.
  // A layout effect runs in the same commit: Preact defers plain effects to the next frame, and a privacy API
  // called in between would find no listener
  useLayoutEffect(register, [register])
  useDidShow(register)

  const answer = (event: 'agree' | 'disagree') => {
    pending.current?.({ event, buttonId: event === 'agree' ? 'privacy-agree' : undefined })
    pending.current = null
    setOpen(false)
  }

  if (!open) return null
  return (
    <View className="privacy-sheet" id="privacy-sheet">
      <View className="privacy-sheet__panel">
        <Text className="title">隐私保护提示</Text>
        <Text className="muted">
          使用头像、昵称和手机号前，请阅读并同意
          <Text className="link" id="privacy-contract" onClick={() => Taro.openPrivacyContract({})}>
            《WeAuth 隐私保护指引》
          </Text>
        </Text>
        <Button
          className="primary-button"
          id="privacy-agree"
          openType="agreePrivacyAuthorization"
          onAgreePrivacyAuthorization={() => answer('agree')}
        >
          同意并继续
        </Button>
        <Button className="secondary-button" id="privacy-disagree" onClick={() => answer('disagree')}>
          拒绝
        </Button>
      </View>
    </View>
  )
}
