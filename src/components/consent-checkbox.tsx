import { Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import './consent-checkbox.scss'

interface Props {
  checked: boolean
  onChange: (checked: boolean) => void
}

/** "I have read and agree to the user agreement and the privacy policy"; nothing personal is requested until it is ticked. */
export function ConsentCheckbox({ checked, onChange }: Props) {
  // a link opens its page without toggling the box
  const open = (url: string) => (e: { stopPropagation: () => void }) => {
    e.stopPropagation()
    Taro.navigateTo({ url })
  }
  return (
    <View
      className="consent"
      id="consent-toggle"
      ariaRole="checkbox"
      ariaLabel={checked ? '已同意用户协议和隐私政策' : '未同意用户协议和隐私政策'}
      onClick={() => onChange(!checked)}
    >
      <View
        className={checked ? 'consent__box consent__box--checked' : 'consent__box'}
        id={checked ? 'consent-checked' : 'consent-unchecked'}
      />
      <Text className="muted">
        我已阅读并同意
        <Text className="link" id="consent-agreement-link" onClick={open('/pages/agreement/index')}>
          《用户协议》
        </Text>
        和
        <Text className="link" id="consent-privacy-link" onClick={open('/pages/privacy/index')}>
          《隐私政策》
        </Text>
      </Text>
    </View>
  )
}
