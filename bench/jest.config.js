// `npm run bench` runs the page measurements (bench/pages) as their own Jest run, reusing the test helpers
// that drive compiled builds under miniprogram-simulate. Not part of `npm test`: they assert nothing and
// write their figures to the file named by WEAUTH_BENCH_PAGES (see bench/lib/page-figures.mjs).
module.exports = {
  rootDir: '..',
  testEnvironment: 'jsdom',
  testMatch: ['<rootDir>/bench/pages/**/*.bench.ts'],
  transform: { '\\.tsx?$': 'babel-jest' },
  // builds and the native fixture run as written, never transformed
  transformIgnorePatterns: [
    '/node_modules/',
    '<rootDir>/dist/',
    '<rootDir>/bench/out/',
    '<rootDir>/bench/fixtures/',
    '<rootDir>/cloudfunctions/[^/]+/index\\.js$',
  ],
  moduleFileExtensions: ['ts', 'tsx', 'js', 'json'],
  // the emulator runs in-process here; jsdom would pick mingo's browser (ESM) build
  moduleNameMapper: {
    '^mingo$': '<rootDir>/node_modules/mingo/cjs/index.js',
    '^mingo/(.*)$': '<rootDir>/node_modules/mingo/cjs/$1',
  },
  testTimeout: 300000,
}
