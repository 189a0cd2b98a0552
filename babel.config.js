// Taro builds the mini program with babel-preset-taro; Jest (NODE_ENV=test) only needs TypeScript
// stripped for the tests and the Node-side sources they import.
module.exports = (api) => {
  if (api.env('test')) {
    return {
      presets: [['@babel/preset-env', { targets: { node: 'current' } }], '@babel/preset-typescript'],
    }
  }
  return {
    presets: [['taro', { framework: 'react', ts: true, compiler: 'webpack5' }]],
  }
}
