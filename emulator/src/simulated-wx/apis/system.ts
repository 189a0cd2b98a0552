import type { ClientState } from '../state'

/** Device and base-library information: enough for Taro's runtime and version checks. */
export function systemApis(state: ClientState) {
  const window = {
    pixelRatio: 2,
    screenWidth: 375,
    screenHeight: 812,
    windowWidth: 375,
    windowHeight: 724,
    statusBarHeight: 44,
    safeArea: { top: 44, left: 0, right: 375, bottom: 778, width: 375, height: 734 },
    screenTop: 0,
  }
  const device = { brand: 'devtools', model: 'iPhone X', system: 'iOS 16.0', platform: 'devtools' }
  const base = {
    SDKVersion: state.baseLibrary,
    enableDebug: false,
    host: { env: 'WeChat' },
    language: 'zh_CN',
    version: '8.0.50',
    theme: 'light',
  }
  return {
    getSystemInfoSync: () => ({ ...window, ...device, ...base, fontSizeSetting: 16 }),
    getWindowInfo: () => window,
    getDeviceInfo: () => device,
    getAppBaseInfo: () => base,
    getSystemSetting: () => ({
      bluetoothEnabled: false,
      locationEnabled: true,
      wifiEnabled: true,
      deviceOrientation: 'portrait',
    }),
    getAppAuthorizeSetting: () => ({
      albumAuthorized: 'authorized',
      cameraAuthorized: 'authorized',
      locationAuthorized: 'authorized',
      microphoneAuthorized: 'authorized',
      notificationAuthorized: 'authorized',
    }),
    getMenuButtonBoundingClientRect: () => ({ width: 87, height: 32, top: 48, right: 365, bottom: 80, left: 278 }),
    getAccountInfoSync: () => ({ miniProgram: { appId: 'wx0000000000000000', envVersion: 'develop', version: '' } }),
    getLaunchOptionsSync: () => ({ path: 'pages/index/index', scene: 1001, query: {}, referrerInfo: {} }),
    getEnterOptionsSync: () => ({ path: 'pages/index/index', scene: 1001, query: {}, referrerInfo: {} }),
    canIUse: (schema: string) => typeof schema === 'string' && schema.length > 0,
    nextTick: (fn: () => void) => void Promise.resolve().then(fn),
    onAppShow: () => undefined,
    onAppHide: () => undefined,
    offAppShow: () => undefined,
    offAppHide: () => undefined,
    onError: () => undefined,
    onUnhandledRejection: () => undefined,
    onPageNotFound: () => undefined,
    onThemeChange: () => undefined,
    onWindowResize: () => undefined,
    reportAnalytics: () => undefined,
    createSelectorQuery: () => {
      const q = {
        select: () => q,
        selectAll: () => q,
        selectViewport: () => q,
        in: () => q,
        boundingClientRect: () => q,
        scrollOffset: () => q,
        fields: () => q,
        exec: (cb?: (r: unknown[]) => void) => cb?.([]),
      }
      return q
    },
  }
}
