// Taro builds the mini program with babel-preset-taro; Jest (NODE_ENV=test) only needs TypeScript
// stripped for the tests and the Node-side sources they import.
//
// The weapp build targets ES2015 (tests/pages/dist-syntax.test.ts parses every dist/ file at that level):
// the JavaScript engines of older WeChat clients (iOS 10 JavaScriptCore, Android WebViews around Chrome 53)
// reject `?.`, `??`, `async` and object spread with a SyntaxError before the first page renders.
// https://developers.weixin.qq.com/miniprogram/dev/framework/runtime/js-support.html
// The H5 playground build keeps package.json's browserslist (current browsers).
const WEAPP_TARGETS = { ios: '10', chrome: '53' }

module.exports = (api) => {
  if (api.env('test')) {
    return {
      presets: [['@babel/preset-env', { targets: { node: 'current' } }], '@babel/preset-typescript'],
    }
  }
  const weapp = process.env.TARO_ENV === 'weapp'
  return {
    presets: [
      ['taro', { framework: 'react', ts: true, compiler: 'webpack5', ...(weapp ? { targets: WEAPP_TARGETS } : {}) }],
    ],
  }
}
