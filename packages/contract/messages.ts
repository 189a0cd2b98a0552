/**
 * What the app tells a person when something went right or needs their attention: the sibling of the error
 * table (errors.ts), so every Chinese sentence the pages show lives in packages/contract. Keyed by what
 * happened, never by where it is shown. The scope center's notices are in scope-messages.ts: this table ships
 * in the main package (home shows it), that one only with the scope center's subpackage.
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
} as const

export type NoticeId = keyof typeof NOTICES
