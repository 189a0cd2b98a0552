/**
 * Size and count limits. Sources:
 * - 50 files per getTempFileURL / deleteFile call: https://developers.weixin.qq.com/miniprogram/dev/wxcloud/reference-sdk-api/storage/Cloud.getTempFileURL.html
 *   and Cloud.deleteFile.html ("一次最多 50 个").
 * - WeChat publishes no per-file limit for wx.cloud.uploadFile / cloud.uploadFile; COS accepts up to 5 GB in
 *   one PUT. The emulator holds uploads in memory, so it caps them lower (documented differences).
 */
export const MAX_FILES_PER_CALL = 50
/** a cloud function's upload (the PUT to the URL from storage.getUploadMetadata) */
export const MAX_PUT_BYTES = 50 * 1024 * 1024
/** a mini program's upload arrives base64 in a JSON body the emulator caps at 10 MiB (http/body.ts) */
export const MAX_CLIENT_UPLOAD_BYTES = 7 * 1024 * 1024
