import { useState } from 'react'
import { Button, Image, Text, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
// before every other relative import: the shared controls' rules come ahead of the components' and the
// page's own (src/styles/controls.scss)
import '../../styles/controls.scss'
import { ConsentCheckbox } from '../../components/consent-checkbox'
import { PrivacySheet } from '../../components/privacy-sheet'
import { BRAND } from '../../config/brand'
import { ProfileForm } from '../../components/profile-form'
import { authService, useAuth } from '../../services/auth'
import { requestLegacyProfile, type LegacyProfile } from '../../services/profile/legacy-profile'
import { phoneLogin, type PhoneNumberDetail } from '../../services/profile/profile-service'
import { PRIVACY_POLICY_VERSION } from '../../config/privacy'
import { WeAuthError } from '../../../packages/contract/errors'
import { PolicyUpdate } from '../../components/policy-update'
import './index.scss'

/** Goes back to the page that sent the user here, or to the given route when there is none. */
function returnToCaller(redirect: string | undefined) {
  if (Taro.getCurrentPages().length > 1) Taro.navigateBack()
  else Taro.reLaunch({ url: redirect ? decodeURIComponent(redirect) : '/pages/index/index' })
}

export default function AuthPage() {
  const { params } = useRouter()
  const { status, user, error } = useAuth()
  const [agreed, setAgreed] = useState(false)
  // the button stays tappable without consent (WeChat fires no tap on a disabled button): a tap then nudges the row
  const [nudge, setNudge] = useState(0)
  const [prefill, setPrefill] = useState<LegacyProfile | null>(null)
  const [phoneError, setPhoneError] = useState<string | null>(null)

  const onAuthorize = () => {
    if (!agreed) {
      setNudge((n) => n + 1)
      return
    }
    setPhoneError(null)
    // getUserProfile only works when called synchronously from the tap, so it starts before the login round trip
    const legacy = requestLegacyProfile()
    // the tick and this tap are the consent to the version this page showed: the only place login records it
    authService
      .login({ consentVersion: PRIVACY_POLICY_VERSION })
      .then((signedIn) => {
        if (signedIn.hasProfile) returnToCaller(params.redirect)
        else return legacy.then(setPrefill)
      })
      .catch(() => {
        // the error state is shown below with a retry button
      })
  }

  /** 手机号快捷登录: one backend call after the phone button signs in and binds the number, or neither. */
  const onPhoneLogin = (detail: PhoneNumberDetail) => {
    setPhoneError(null)
    let started: Promise<unknown>
    try {
      started = phoneLogin(detail)
    } catch (e) {
      setPhoneError(e instanceof WeAuthError ? e.message : '登录失败，请重试')
      return
    }
    started.then(
      () => returnToCaller(params.redirect),
      (e: unknown) => setPhoneError(e instanceof WeAuthError ? e.message : '登录失败，请重试'),
    )
  }

  // compileMode (config/index.ts) on the content of both states, with distinct keys: the page switches between
  // them, and a compiled tree must not be reused as the other one's template. ProfileForm, PrivacySheet and
  // PolicyUpdate stay uncompiled: the user center renders them too, and a shared component's template would land
  // in common-templates.wxml, which page templates do not import. The two sheets (fixed overlays) sit outside
  // the compiled trees, next to them in a fragment (no wrapper element): they render nothing until needed, and an
  // empty slot in a compiled template names a template that does not exist (`tmpl_0_undefined`).
  // Every element of a compiled tree that holds something dynamic still takes a place in the first setData (with
  // the fields its template reads: config/compiled-data), so the trees below keep those few and flat: static text
  // stays in the template, a choice between two fixed labels is two static elements, one line shows whichever
  // error is current.
  if (status === 'logged-in' && user) {
    return (
      <>
        <View compileMode key="auth-success" className="card" id="auth-success">
          <Text className="title">登录成功</Text>
          <Text className="muted">完善头像和昵称，让朋友更容易认出你</Text>
          <ProfileForm
            initial={prefill}
            onDone={() => returnToCaller(params.redirect)}
            onCancel={() => returnToCaller(params.redirect)}
            cancelText="暂不完善"
            cancelId="profile-skip"
          />
        </View>
        <PrivacySheet />
        <PolicyUpdate />
      </>
    )
  }

  const busy = status === 'logging-in' || status === 'restoring'
  const nudgeConsent = () => setNudge((n) => n + 1)
  const loginError = status === 'error' ? error : null
  return (
    <>
      <View compileMode key="auth-sign-in" className="auth">
        <View className="auth__brand" id="auth-brand">
          {BRAND.logo ? (
            <Image className="auth__logo" src={BRAND.logo} mode="aspectFit" />
          ) : (
            <View className="auth__logo auth__logo--monogram">
              <Text className="auth__monogram">{BRAND.monogram}</Text>
            </View>
          )}
          <Text className="auth__name">{BRAND.name}</Text>
          <Text className="auth__purpose">{BRAND.loginPurpose}</Text>
        </View>
        <Button className="primary-button" id="authorize-button" disabled={busy} loading={busy} onClick={onAuthorize}>
          {/* elements, not a bare string: React would set the button's textContent and wipe the loading icon
              Taro's H5 button keeps among its children (NotFoundError: insertBefore on 重试) */}
          {status === 'error' ? <Text>重试</Text> : <Text>微信授权登录</Text>}
        </Button>
        {/* before consent a tap nudges the consent row: WeChat's phone dialog must not open yet, so the button
            only becomes open-type="getPhoneNumber" once the box is ticked (open-type is an ordinary property,
            https://developers.weixin.qq.com/miniprogram/dev/component/button.html) */}
        <Button
          className="secondary-button"
          id="phone-login-button"
          openType={agreed ? 'getPhoneNumber' : undefined}
          disabled={busy}
          onClick={agreed ? undefined : nudgeConsent}
          onGetPhoneNumber={(e) => onPhoneLogin(e.detail)}
        >
          <Text>手机号快捷登录</Text>
        </Button>
        {phoneError || loginError ? (
          <Text className="status status--error" id={phoneError ? 'phone-login-error' : 'auth-error'}>
            {phoneError || loginError}
          </Text>
        ) : null}
        <ConsentCheckbox
          checked={agreed}
          onChange={(checked) => {
            setAgreed(checked)
            setNudge(0)
          }}
          nudge={nudge}
        />
        <Text className="auth__skip" id="auth-skip" onClick={() => returnToCaller(params.redirect)}>
          暂不登录
        </Text>
        <Text className="auth__footnote">我们只用你的微信身份创建账号；头像、昵称和手机号都由你决定是否填写</Text>
      </View>
      <PrivacySheet />
    </>
  )
}
