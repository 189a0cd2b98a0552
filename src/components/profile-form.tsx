import { Button, Text, View } from '@tarojs/components'
import type { LegacyProfile } from '../services/profile/legacy-profile'

interface Props {
  initial: LegacyProfile | null
  onDone: () => void
}

export function ProfileForm({ onDone }: Props) {
  return (
    <View id='profile-form'>
      <Text className='muted'>头像昵称</Text>
      <Button onClick={onDone}>完成</Button>
    </View>
  )
}
