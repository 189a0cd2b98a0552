import { Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import './consent-checkbox.scss'

interface Props {
  checked: boolean
  onChange: (checked: boolean) => void
}

/** "I have read and agree to the privacy policy"; nothing personal is requested until it is ticked. */
export function ConsentCheckbox({ checked, onChange }: Props) {
  const openPolicy = (e: { stopPropagation: () => void }) => {
    e.stopPropagation()
    Taro.navigateTo({ url: '/pages/privacy/index' })
  }
  return (
    <View className='consent' id='consent-toggle' ariaRole='checkbox' ariaLabel={checked ? '已同意隐私政策' : '未同意隐私政策'} onClick={() => onChange(!checked)}>
      <View className={checked ? 'consent__box consent__box--checked' : 'consent__box'} id={checked ? 'consent-checked' : 'consent-unchecked'} />
      <Text className='muted'>
        我已阅读并同意
        <Text className='link' id='consent-privacy-link' onClick={openPolicy}>
          《隐私政策》
        </Text>
      </Text>
    </View>
  )
}
