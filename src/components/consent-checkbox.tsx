import { Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { messageFor } from '../../packages/contract/errors'
import './consent-checkbox.scss'

interface Props {
  checked: boolean
  onChange: (checked: boolean) => void
  /**
   * Set (to a new number each time) when the user tried to go on without ticking the box: the row shakes,
   * turns amber and says which documents to accept, where the user is looking.
   */
  nudge?: number
}

/** "I have read and agree to the user agreement and the privacy policy"; nothing personal is requested until it is ticked. */
export function ConsentCheckbox({ checked, onChange, nudge = 0 }: Props) {
  // a link opens its page without toggling the box; coming back finds the box as it was
  const open = (url: string) => (e: { stopPropagation: () => void }) => {
    e.stopPropagation()
    Taro.navigateTo({ url })
  }
  const nudged = nudge > 0 && !checked
  // the row's one class carries both states (the box and tick are styled from it): a tap changes one value
  const rowClass = `consent${checked ? ' consent--checked' : ''}${nudged ? ` consent--nudge consent--nudge-${nudge % 2}` : ''}`
  return (
    // compileMode (config/index.ts): only the authorization page renders this row, so its template is built into
    // that page's templates and the first render sends the dynamic values alone
    <View compileMode className="consent-wrap">
      <View
        // two classes with the same shake under different animation names: switching restarts it on every
        // refused tap without remounting the row (a tap in flight would land on a detached node)
        className={rowClass}
        id="consent-toggle"
        ariaRole="checkbox"
        ariaLabel={checked ? '已同意用户协议和隐私政策' : '未同意用户协议和隐私政策'}
        onClick={() => onChange(!checked)}
      >
        {/* the tick is always there and shows only when checked (CSS): no element comes or goes on a tap */}
        <View className="consent__box" id={checked ? 'consent-checked' : 'consent-unchecked'}>
          <Text className="consent__tick">✓</Text>
        </View>
        <Text className="consent__text">
          我已阅读并同意
          <Text className="consent__link" id="consent-agreement-link" onClick={open('/pages/agreement/index')}>
            《用户协议》
          </Text>
          和
          <Text className="consent__link" id="consent-privacy-link" onClick={open('/pages/privacy/index')}>
            《隐私政策》
          </Text>
        </Text>
      </View>
      {nudged ? (
        <Text className="consent__hint" id="consent-hint">
          {messageFor('CONSENT_REQUIRED')}
        </Text>
      ) : null}
    </View>
  )
}
