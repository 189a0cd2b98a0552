import { byId } from './dom'
import { OLD_BASE_LIBRARY, readSettings } from '../shared/settings'

/** The phone frame: the app in an iframe, relaunched whenever the identity or the base library changes. */
export function createPhone() {
  const frame = byId<HTMLIFrameElement>('app-frame')
  let launches = 0
  return {
    /**
     * A cold start on the home page, as WeChat does after the mini program is closed. The query changes on
     * every launch so the frame reloads even when only the hash would differ.
     */
    relaunch(label: string): void {
      const { baseLibrary } = readSettings()
      byId('phone-identity').textContent = label
      byId('phone-base-library').textContent =
        `base library ${baseLibrary}${baseLibrary === OLD_BASE_LIBRARY ? ' (old)' : ''}`
      frame.src = `/app/?launch=${++launches}#/pages/index/index`
    },
  }
}
