import type { WxRuntime } from '../../emulator/src/simulated-wx'
import { drawAvatar } from './avatar-image'

/**
 * In WeChat a tap on <button open-type="chooseAvatar|getPhoneNumber|agreePrivacyAuthorization"> runs WeChat's
 * own flow and then fires `chooseavatar` / `getphonenumber` / `agreeprivacyauthorization` on the button.
 * Taro's H5 button ignores open-type, but its React wrapper already listens for those DOM events
 * (onChooseAvatar -> "chooseavatar"), and renders the prop as an `open-type` attribute. So one capturing
 * click listener runs the simulated client's flow and dispatches the event on the tapped button: the pages
 * and components stay as they are.
 */
export function answerOpenTypeButtons(runtime: WxRuntime): void {
  document.addEventListener(
    'click',
    (event) => {
      const button = (event.target as Element | null)?.closest?.('taro-button-core[open-type]') as
        | (HTMLElement & { disabled?: boolean })
        | null
      // the property, not the attribute: React writes disabled="false" on custom elements
      if (!button || button.disabled === true) return
      const fire = (name: string, detail: unknown) => button.dispatchEvent(new CustomEvent(name, { detail }))
      switch (button.getAttribute('open-type')) {
        case 'chooseAvatar':
          void chooseAvatar(runtime).then((detail) => detail && fire('chooseavatar', detail))
          break
        case 'getPhoneNumber':
          void runtime.openType
            .getPhoneNumber()
            .catch((e: unknown) => ({
              errMsg: `getPhoneNumber:fail ${(e as { reason?: string })?.reason ?? String(e)}`,
            }))
            .then((detail) => fire('getphonenumber', detail))
          break
        case 'agreePrivacyAuthorization':
          // WeChat records the consent when the page answers onNeedPrivacyAuthorization's resolve
          fire('agreeprivacyauthorization', {})
          break
      }
    },
    true,
  )
}

/**
 * The chosen picture as a temp file the page can show and upload: WeChat hands out a local path that
 * <image> displays; in a browser that is a blob: URL, registered as the runtime's temp file.
 */
async function chooseAvatar(runtime: WxRuntime): Promise<{ avatarUrl: string } | null> {
  const bytes = await drawAvatar()
  const chosen = await runtime.openType.chooseAvatar(bytes)
  if (!chosen) return null
  const url = URL.createObjectURL(new Blob([bytes], { type: 'image/png' }))
  runtime.state.tempFiles.delete(chosen.avatarUrl)
  runtime.state.tempFiles.set(url, bytes)
  return { avatarUrl: url }
}
