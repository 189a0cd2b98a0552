import { callbackApi, WxFail } from '../callback-api'
import type { ClientState, Navigation } from '../state'

/** Toasts, modals and navigation: recorded for tests; navigation is handed to the host (harness/playground). */
export function uiApis(state: ClientState) {
  const navigate = (kind: Navigation['kind']) =>
    callbackApi(kind, async (o: { url?: string; delta?: number }) => {
      if (kind !== 'navigateBack' && (typeof o.url !== 'string' || !o.url.startsWith('/')))
        throw new WxFail(`url must be an absolute page path`)
      const nav: Navigation = { kind, url: o.url, delta: o.delta }
      state.navigations.push(nav)
      state.onNavigate?.(nav)
      return {}
    })
  return {
    showToast: callbackApi(
      'showToast',
      async (o: { title?: string }) => (state.toasts.push(String(o.title ?? '')), {}),
    ),
    hideToast: callbackApi('hideToast', async () => ({})),
    showLoading: callbackApi('showLoading', async () => ({})),
    hideLoading: callbackApi('hideLoading', async () => ({})),
    showModal: callbackApi('showModal', async () => ({
      confirm: state.choices.modal === 'confirm',
      cancel: state.choices.modal !== 'confirm',
    })),
    navigateTo: navigate('navigateTo'),
    navigateBack: navigate('navigateBack'),
    redirectTo: navigate('redirectTo'),
    reLaunch: navigate('reLaunch'),
    switchTab: navigate('switchTab'),
    setNavigationBarTitle: callbackApi('setNavigationBarTitle', async () => ({})),
    stopPullDownRefresh: callbackApi('stopPullDownRefresh', async () => ({})),
  }
}
