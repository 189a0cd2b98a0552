/**
 * What the app tells a person when something went right or needs their attention: the sibling of the error
 * table (errors.ts), so every Chinese sentence the pages show lives in packages/contract. Keyed by what
 * happened, never by where it is shown.
 */
export const NOTICES = {
  // home and user center: one placeholder for a user who has not set a nickname
  NICKNAME_UNSET: '未设置昵称',
  // user center
  PHONE_BOUND: '手机号已绑定',
  PROFILE_SAVED: '资料已保存',
  DELETE_CONFIRM_TITLE: '注销账号',
  DELETE_CONFIRM_BODY: '注销后你的资料、头像和手机号将被永久删除，且无法恢复。确定注销吗？',
  ACCOUNT_DELETED: '账号已注销，你的资料与上传的文件已删除',
  // DELETE_NOT_DURABLE after the account was frozen and part of it removed: the table's "保持原样" would be untrue
  DELETE_UNFINISHED: '注销尚未完成：账号已停用，部分内容已删除且不会恢复。请稍后重试，重试会删除剩下的内容',
  // scope center (wx.getSetting / authorize / openSetting)
  SCOPE_READ_FAILED: '读取授权状态失败，请返回上一页后重新进入',
  SCOPE_SETTINGS_UNCHANGED: '授权设置没有变化',
  SCOPE_SETTINGS_UNAVAILABLE: '无法打开设置页，请点右上角“…” → “设置”中操作',
  BACKGROUND_OFF: '未开启',
  BACKGROUND_DENIED: '未开启后台定位：微信不弹窗询问，需要你在设置页允许',
  BACKGROUND_GUIDE: '请在设置页将“位置信息”设为“使用小程序期间和离开小程序后”',
  BACKGROUND_FAILED: '后台定位启动失败，请重试',
} as const

/** Notices that name what they are about. */
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

export type NoticeId = keyof typeof NOTICES
