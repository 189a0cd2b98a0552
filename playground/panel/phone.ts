import { byId } from './dom'
import { OLD_BASE_LIBRARY, readSettings } from '../shared/settings'
import type { PlaygroundApp, PlaygroundDevice } from '../taro-h5/simulated-wx'

const NAV_REFRESH_MS = 250

/**
 * The phone frame: the app in an iframe, relaunched whenever the identity or the base library changes, with
 * WeChat's navigation bar above it (back when the page stack allows, the page's navigationBarTitleText) and
 * the app's foreground/background state.
 */
export function createPhone() {
  const frame = byId<HTMLIFrameElement>('app-frame')
  const back = byId<HTMLButtonElement>('phone-back')
  const title = byId('phone-title')
  const away = byId('phone-background')
  let launches = 0
  let inBackground = false

  /** the app's and the simulated phone's hooks, once the current launch has published them */
  const app = () => {
    try {
      const win = frame.contentWindow as (Window & { __weauthApp?: PlaygroundApp }) | null
      return win?.__weauthApp
    } catch {
      return undefined
    }
  }
  const device = (): PlaygroundDevice | undefined => {
    try {
      return (frame.contentWindow as Window | null)?.__weauthDevice
    } catch {
      return undefined
    }
  }

  // Taro H5 sets document.title from each page's navigationBarTitleText, as WeChat sets its bar
  setInterval(() => {
    const doc = frame.contentDocument
    if (doc?.title && title.textContent !== doc.title) title.textContent = doc.title
    back.hidden = (app()?.pageCount() ?? 0) <= 1
  }, NAV_REFRESH_MS)
  back.addEventListener('click', () => app()?.back())

  const setBackground = (value: boolean) => {
    inBackground = value
    const location = device()?.location
    if (value) location?.enterBackground()
    else location?.enterForeground()
    away.hidden = !value
    byId('app-foreground').setAttribute('aria-pressed', String(!value))
    byId('app-background').setAttribute('aria-pressed', String(value))
  }
  byId('phone-foreground-overlay').addEventListener('click', () => setBackground(false))

  return {
    device,
    setBackground,
    get inBackground() {
      return inBackground
    },
    /**
     * A cold start on the home page, as WeChat does after the mini program is closed. The query changes on
     * every launch so the frame reloads even when only the hash would differ.
     */
    relaunch(label: string): void {
      const { baseLibrary } = readSettings()
      byId('phone-identity').textContent = label
      byId('phone-base-library').textContent =
        `base library ${baseLibrary}${baseLibrary === OLD_BASE_LIBRARY ? ' (old)' : ''}`
      setBackground(false)
      title.textContent = ''
      frame.src = `/app/?launch=${++launches}#/pages/index/index`
    },
  }
}

export type Phone = ReturnType<typeof createPhone>
