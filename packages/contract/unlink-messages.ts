/**
 * What the unlink page (src/pages/delete/unlink) tells a person. Apart from NOTICES (messages.ts), which ships in
 * the main package, so these sentences ship only with the page's subpackage.
 */
export const UNLINK_NOTICES = {
  UNLINK_DONE: '已解除本小程序与你账号的关联，本小程序已退出登录。你的账号和其他小程序中的登录不受影响',
  UNLINK_PREVIEW_FAILED: '暂时无法读取账号关联的小程序，请稍后重试',
} as const
