export default defineAppConfig({
  pages: ['pages/index/index', 'pages/auth/index', 'pages/privacy/index', 'pages/user/index'],
  window: {
    backgroundTextStyle: 'light',
    navigationBarBackgroundColor: '#ffffff',
    navigationBarTitleText: 'WeAuth',
    navigationBarTextStyle: 'black',
  },
  // the privacy guide (用户隐私保护指引) is enforced by WeChat for the APIs it covers
  __usePrivacyCheck__: true,
  lazyCodeLoading: 'requiredComponents',
  style: 'v2',
})
