import { useCallback, useLayoutEffect, useRef, useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import Taro, { useDidShow } from '@tarojs/taro'
import { messageFor } from '../../packages/contract/errors'
import { DEFAULT_CONTRACT_NAME, openPrivacyContract, privacyContractName } from '../services/privacy/privacy-guide'
import './privacy-sheet.scss'

type Resolve = (result: { event: 'agree' | 'disagree'; buttonId?: string }) => void

/**
 * WeChat's privacy guide flow (base library 2.32.3+): when a privacy API (chooseAvatar, nickname input,
 * getPhoneNumber, requirePrivacyAuthorize...) is used before the user agreed, WeChat calls
 * onNeedPrivacyAuthorization and waits for the page to answer; agreement must come from a button with
 * open-type="agreePrivacyAuthorization". The guide's name comes from wx.getPrivacySetting (what the team set in
 * the admin console). A refusal is answered with a kind message, and WeChat does not ask again for 10 s.
 * The listener is (re)registered on mount and on every show because WeChat keeps only the latest one.
 */
export function PrivacySheet() {
  const [open, setOpen] = useState(false)
  const [contract, setContract] = useState(DEFAULT_CONTRACT_NAME)
  const [refused, setRefused] = useState(false)
  const pending = useRef<Resolve | null>(null)

  const register = useCallback(() => {
    if (typeof Taro.onNeedPrivacyAuthorization !== 'function') return
    Taro.onNeedPrivacyAuthorization((resolve) => {
      pending.current = resolve as Resolve
      setRefused(false)
      setOpen(true)
      void privacyContractName().then(setContract)
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
    setRefused(event === 'disagree')
  }

  if (!open) {
    return refused ? (
      <View className="privacy-sheet__notice" id="privacy-refused">
        <Text className="muted">{messageFor('PRIVACY_REFUSED')}</Text>
        <Text className="link" id="privacy-refused-dismiss" onClick={() => setRefused(false)}>
          知道了
        </Text>
      </View>
    ) : null
  }
  return (
    <View className="privacy-sheet" id="privacy-sheet">
      <View className="privacy-sheet__panel">
        <Text className="title">隐私保护提示</Text>
        <Text className="muted">
          使用头像、昵称和手机号前，请阅读并同意
          <Text className="link" id="privacy-contract" onClick={openPrivacyContract}>
            {contract}
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
