import { Text, View } from '@tarojs/components'
import './consent-checkbox.scss'

interface Props {
  /** the row's id; the box inside is `<id>-checked` or `<id>-unchecked` */
  id: string
  checked: boolean
  onChange: (checked: boolean) => void
  /** what the person confirms, e.g. 我已了解注销后数据无法恢复 */
  label: string
}

/**
 * "I understand what this does": the tick that must come before an irreversible step (deleting the account,
 * unlinking this mini program). The whole row toggles it; it looks like the authorization page's consent row.
 */
export function ConfirmRow({ id, checked, onChange, label }: Props) {
  return (
    <View
      className={checked ? 'consent consent--checked' : 'consent'}
      id={id}
      ariaRole="checkbox"
      ariaLabel={checked ? '已确认' : '未确认'}
      onClick={() => onChange(!checked)}
    >
      <View className="consent__box" id={`${id}-${checked ? 'checked' : 'unchecked'}`} />
      <Text className="muted">{label}</Text>
    </View>
  )
}
