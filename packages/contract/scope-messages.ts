/**
 * The scope center's notices (wx.getSetting / authorize / openSetting, background location): messages.ts's
 * sibling for one page, in a file of its own so that they ship with the scope center's subpackage and not in the
 * main package, which carries messages.ts for home.
 */
export const SCOPE_NOTICES = {
  SCOPE_READ_FAILED: '读取授权状态失败，请返回上一页后重新进入',
  SCOPE_SETTINGS_UNCHANGED: '授权设置没有变化',
  SCOPE_SETTINGS_UNAVAILABLE: '无法打开设置页，请点右上角“…” → “设置”中操作',
  BACKGROUND_OFF: '未开启',
  BACKGROUND_DENIED: '未开启后台定位：微信不弹窗询问，需要你在设置页允许',
  BACKGROUND_GUIDE: '请在设置页将“位置信息”设为“使用小程序期间和离开小程序后”',
  BACKGROUND_FAILED: '后台定位启动失败，请重试',
} as const

/** Scope-center notices that name what they are about. */
export const scopeNotice = {
  granted: (name: string) => `已允许「${name}」`,
  declined: (name: string) => `你没有允许「${name}」，需要时可点“去设置”开启`,
  /** what the user changed in the settings page, e.g. 已开启「位置信息」，已关闭「摄像头」 */
  changed: (opened: string[], closed: string[]) =>
    [
      opened.length ? `已开启${opened.map((n) => `「${n}」`).join('')}` : '',
      closed.length ? `已关闭${closed.map((n) => `「${n}」`).join('')}` : '',
    ]
      .filter(Boolean)
      .join('，'),
  backgroundRunning: (updates: number) => `后台定位中 · 已收到 ${updates} 次位置更新`,
}
