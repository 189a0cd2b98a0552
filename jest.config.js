// Node for the emulator and the cloud functions, jsdom for pages under miniprogram-simulate, and a real
// browser for the playground (e2e).
// The compiled mini program (dist/) and cloud functions run as built, never transformed.
const shared = {
  transform: { '\\.tsx?$': 'babel-jest' },
  transformIgnorePatterns: ['/node_modules/', '<rootDir>/dist/', '<rootDir>/dist-cloud/'],
  moduleFileExtensions: ['ts', 'tsx', 'js', 'json'],
}

module.exports = {
  testTimeout: 30000,
  projects: [
    {
      ...shared,
      displayName: 'node',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/tests/{emulator,cloudfunctions,services,server}/**/*.test.ts'],
    },
    {
      ...shared,
      displayName: 'pages',
      testEnvironment: 'jsdom',
      // the emulator runs in-process here; jsdom would pick mingo's browser (ESM) build
      moduleNameMapper: {
        '^mingo$': '<rootDir>/node_modules/mingo/cjs/index.js',
        '^mingo/(.*)$': '<rootDir>/node_modules/mingo/cjs/$1',
      },
      testMatch: ['<rootDir>/tests/pages/**/*.test.ts'],
    },
    {
      // the browser playground end to end: the H5 build (dist-h5/) in Debian's headless Chromium through
      // playwright-core; tests/e2e/playground.ts raises the timeout (a project cannot set its own)
      ...shared,
      displayName: 'e2e',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/tests/e2e/**/*.test.ts'],
    },
  ],
}
