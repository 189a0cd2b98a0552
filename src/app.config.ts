// The main package holds the first screen only (home and the authorization page); every other page is a
// subpackage of its own, at the same path (root = its folder), so no URL changes. Preload rules fetch each
// subpackage while the page that links to it is open, so none opens with a visible wait: the user center from
// home and from the authorization page (where login lands), the privacy policy and the agreement from the
// authorization page (its consent line links them), the scope center and the account deletion page from the user center.
// https://developers.weixin.qq.com/miniprogram/dev/framework/subpackages/basic.html
// https://developers.weixin.qq.com/miniprogram/dev/framework/subpackages/preload.html
const subpackage = (root: string) => ({ root, pages: ['index'] })

export default defineAppConfig({
  pages: ['pages/index/index', 'pages/auth/index'],
  subPackages: [
    subpackage('pages/user'),
    subpackage('pages/scopes'),
    subpackage('pages/privacy'),
    subpackage('pages/agreement'),
    subpackage('pages/delete'),
  ],
  preloadRule: {
    'pages/index/index': { network: 'all', packages: ['pages/user'] },
    'pages/auth/index': { network: 'all', packages: ['pages/user', 'pages/privacy', 'pages/agreement'] },
    'pages/user/index': { network: 'all', packages: ['pages/scopes', 'pages/delete'] },
  },
  window: {
    backgroundTextStyle: 'light',
    navigationBarBackgroundColor: '#ffffff',
    navigationBarTitleText: 'WeAuth',
    navigationBarTextStyle: 'black',
  },
  // the privacy guide (用户隐私保护指引) is enforced by WeChat for the APIs it covers
  __usePrivacyCheck__: true,
  // location (the scope center's background-location demo): WeChat rejects location APIs not declared here
  permission: { 'scope.userLocation': { desc: '用于查看附近门店和记录运动轨迹' } },
  // exactly the declarable APIs the code calls (tests/pages/devtools-ready.test.ts checks it against src/):
  // https://developers.weixin.qq.com/miniprogram/dev/reference/configuration/app.html#requiredPrivateInfos
  requiredPrivateInfos: ['onLocationChange', 'startLocationUpdateBackground'],
  requiredBackgroundModes: ['location'],
  // WeChat search indexes the home page only (src/sitemap.json)
  sitemapLocation: 'sitemap.json',
  lazyCodeLoading: 'requiredComponents',
  style: 'v2',
})
