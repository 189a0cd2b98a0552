// The main package holds the first screen only: home (the launch page), the app shell and what both need (the
// session, the cloud backend's sign-in, the message tables). Every other page, the authorization page included,
// is a subpackage of its own at the same path (root = its folder), so no URL changes. Preload rules fetch each
// subpackage while the page that links to it is open, so none opens with a visible wait: the authorization page
// and the user center from home, the user center, the privacy policy and the agreement from the authorization
// page (a login often continues in the user center; the consent line links the policies), the authorization page (signed-out
// state), the scope center and the account deletion page from the user center. The authorization page left the
// main package when the consent, privacy-guide, phone-login and profile steps grew it past the 51 KB gzip goal
// (bench/RESULTS.md); a tap on home's 去登录 before its preload finishes waits for the download (WeChat shows
// its loading state), as any subpackage does.
// https://developers.weixin.qq.com/miniprogram/dev/framework/subpackages/basic.html
// https://developers.weixin.qq.com/miniprogram/dev/framework/subpackages/preload.html
const subpackage = (root: string) => ({ root, pages: ['index'] })

export default defineAppConfig({
  pages: ['pages/index/index'],
  subPackages: [
    subpackage('pages/auth'),
    subpackage('pages/user'),
    subpackage('pages/scopes'),
    subpackage('pages/privacy'),
    subpackage('pages/agreement'),
    // the deletion notice and the unlink of this mini program (which, for the account's last app, is a deletion)
    { root: 'pages/delete', pages: ['index', 'unlink'] },
  ],
  preloadRule: {
    'pages/index/index': { network: 'all', packages: ['pages/auth', 'pages/user'] },
    'pages/auth/index': { network: 'all', packages: ['pages/user', 'pages/privacy', 'pages/agreement'] },
    'pages/user/index': { network: 'all', packages: ['pages/auth', 'pages/scopes', 'pages/delete'] },
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
  // WeChat search indexes the home page only (src/sitemap.json: allow home, disallow every other page): the
  // login, account, authorization and policy pages hold nothing to find and must never open from a search result.
  // The file carries no "desc": it ships in the main package, this comment does not.
  // https://developers.weixin.qq.com/miniprogram/dev/reference/configuration/sitemap.html
  sitemapLocation: 'sitemap.json',
  lazyCodeLoading: 'requiredComponents',
  style: 'v2',
})
