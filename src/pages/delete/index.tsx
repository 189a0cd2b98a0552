import { useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
// before every other relative import: the shared controls' rules come ahead of the components' and the
// page's own (src/styles/controls.scss)
import '../../styles/controls.scss'
import { ConfirmRow } from '../../components/confirm-row'
import { useAuth } from '../../services/auth'
import { WeAuthError } from '../../../packages/contract/errors'
import { deleteAccount } from '../../services/profile/profile-service'
import { dismissReceipt, readReceipt, type Receipt } from '../../services/profile/deletion-receipt'
import './index.scss'

const pad = (n: number) => String(n).padStart(2, '0')
function when(iso: string): string {
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`
}

/**
 * The deletion notice: what will be removed, that it cannot be undone, and an explicit confirmation (tick, then
 * tap). Afterwards the receipt (what was removed, when) stays on screen, and on the device across a relaunch,
 * until the user dismisses it. A deletion the backend could not make durable is said so, and nothing changed.
 */
export default function DeleteAccount() {
  const { status, user } = useAuth()
  const [understood, setUnderstood] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [receipt, setReceipt] = useState<Receipt | null>(() => readReceipt())

  const dismiss = () => {
    dismissReceipt()
    setReceipt(null)
    Taro.reLaunch({ url: '/pages/index/index' })
  }

  if (receipt) {
    return (
      <View className="card" id="delete-receipt">
        <Text className="title">账号已注销</Text>
        <Text className="muted" id="delete-receipt-time">
          注销时间：{when(receipt.at)}
        </Text>
        <Text className="muted">已删除的内容：</Text>
        <View id="delete-receipt-items">
          {receipt.removed.map((item) => (
            <Text className="delete__item" key={item}>
              · {item}
            </Text>
          ))}
        </View>
        <Text className="muted">这些数据已从我们的服务器删除，无法恢复。再次登录将创建一个全新的账号。</Text>
        <Button className="primary-button" id="delete-receipt-dismiss" onClick={dismiss}>
          知道了
        </Button>
      </View>
    )
  }

  if (status !== 'logged-in' || !user) {
    return (
      <View className="card" id="delete-signed-out">
        <Text className="title">注销账号</Text>
        <Text className="muted">请先登录后再注销账号。</Text>
      </View>
    )
  }

  const confirm = async () => {
    if (!understood) return
    setBusy(true)
    setError(null)
    try {
      setReceipt(await deleteAccount())
    } catch (e) {
      setError(e instanceof WeAuthError ? e.message : '注销失败，请稍后重试')
    } finally {
      setBusy(false)
    }
  }

  return (
    <View className="card" id="delete-notice">
      <Text className="title">注销账号</Text>
      <Text className="muted" id="delete-scope">
        注销的是你的整个账号：你在本组织所有小程序中登录的都是这一个账号，注销后每个小程序中的登录身份都会一并删除。
      </Text>
      <Text className="muted">以下内容将被永久删除，且无法恢复：</Text>
      <View className="delete__list">
        <Text className="delete__item">
          · 你的账号记录：每个小程序的微信身份标识、登录记录、各小程序的隐私政策同意记录
        </Text>
        <Text className="delete__item">· 你的昵称和头像（包括上传的全部头像文件）</Text>
        <Text className="delete__item">· 你绑定的手机号</Text>
      </View>
      <Text className="muted">
        注销不会影响你的微信账号。之后再次登录（在任何一个小程序中），将创建一个全新的账号。只想让本小程序不再登录这个账号，可在“我的”中选择“解除本小程序的关联”。
      </Text>
      <ConfirmRow
        id="delete-understood"
        checked={understood}
        onChange={setUnderstood}
        label="我已了解注销后数据无法恢复"
      />
      <Button
        className="delete__danger"
        id="delete-confirm"
        disabled={!understood || busy}
        loading={busy}
        onClick={confirm}
      >
        确认注销
      </Button>
      <Button id="delete-cancel" onClick={() => Taro.navigateBack()}>
        再想想
      </Button>
      {error ? (
        <Text className="error" id="delete-error">
          {error}
        </Text>
      ) : null}
    </View>
  )
}
