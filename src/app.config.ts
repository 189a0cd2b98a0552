export default defineAppConfig({
  pages: [
    'pages/index/index',
    'pages/auth/index',
    'pages/privacy/index',
    'pages/agreement/index',
    'pages/user/index',
    'pages/scopes/index',
    'pages/delete/index',
  ],
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
