// One lint for the whole tree (ESLint 8 with eslintrc: eslint-config-taro has no flat config yet).
// - src/ (the mini program): eslint-config-taro's React rules, as Taro's own templates ship them;
// - everything else (Node, browser playground, tests): typescript-eslint's recommended rules;
// - the architecture (ARCHITECTURE.md) as import boundaries: `import/no-restricted-paths` zones below.
// Formatting is Prettier's alone (eslint-config-prettier turns the overlapping rules off).

/** who may not import whom: [area, areas it must never import, why] */
const BOUNDARIES = [
  [
    './packages/contract',
    ['./src', './cloudfunctions', './packages/cloud-kit', './server', './emulator', './playground', './tests'],
    'the contract imports nothing of the product',
  ],
  [
    './packages/cloud-kit',
    ['./src', './cloudfunctions', './server', './emulator', './playground', './tests'],
    'the functions kit depends only on the contract',
  ],
  [
    './src',
    ['./cloudfunctions', './packages/cloud-kit', './server', './emulator', './playground', './tests', './bench'],
    'the app talks to backends over WeChat, never by import',
  ],
  [
    './cloudfunctions',
    ['./src', './server', './emulator', './playground', './tests'],
    'a function is deployed alone: contract and kit only',
  ],
  [
    './server',
    ['./src', './cloudfunctions', './packages/cloud-kit', './emulator', './playground', './tests'],
    'the own server is deployed alone: contract only',
  ],
  [
    './emulator',
    ['./src', './cloudfunctions', './packages/cloud-kit', './server', './playground', './tests'],
    'the emulator runs any project: it knows WeChat, not WeAuth',
  ],
  [
    './playground',
    ['./src', './cloudfunctions', './packages/cloud-kit', './server', './tests'],
    'the playground hosts the built app and the emulator',
  ],
]

const boundaryRule = [
  'error',
  {
    zones: BOUNDARIES.flatMap(([target, from, message]) =>
      from.map((f) => ({ target, from: f, message: `${target.slice(2)} may not import ${f.slice(2)}: ${message}` })),
    ),
  },
]
// relative imports of .ts files must resolve, or the boundary rule cannot see where they point
const resolver = { 'import/resolver': { node: { extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'] } } }

module.exports = {
  root: true,
  ignorePatterns: [
    'node_modules/',
    'dist/',
    'dist-h5/',
    'test-output/',
    'emulator/dist/',
    'server/dist/',
    'playground/dist/',
    'cloudfunctions/*/index.js',
    'dist-cloud/',
    'bench/fixtures/',
    'bench/out/',
    'coverage/',
  ],
  env: { es2022: true },
  parserOptions: { ecmaVersion: 2022, sourceType: 'module' },
  plugins: ['import'],
  settings: resolver,
  rules: {
    'import/no-restricted-paths': boundaryRule,
    // a closure may read a variable that is assigned once later (the emulator's router before start-up ends)
    'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
  },
  overrides: [
    {
      files: ['src/**/*.{ts,tsx}'],
      extends: ['taro/react', 'prettier'],
      // eslint-config-taro turns the boundary rule off and resolves only .js: both back on for src/
      settings: resolver,
      rules: {
        'import/no-restricted-paths': boundaryRule,
        'react/jsx-uses-react': 'off',
        'react/react-in-jsx-scope': 'off',
        // eslint-config-taro predates the automatic JSX runtime and typescript-eslint 8's rule names
        'import/no-commonjs': 'off',
      },
    },
    {
      files: ['**/*.{ts,tsx}'],
      excludedFiles: ['src/**'],
      parser: '@typescript-eslint/parser',
      plugins: ['@typescript-eslint'],
      extends: ['eslint:recommended', 'plugin:@typescript-eslint/recommended', 'prettier'],
      rules: {
        '@typescript-eslint/no-explicit-any': 'off',
        '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      },
    },
    {
      files: ['**/*.{js,mjs,cjs}'],
      extends: ['eslint:recommended', 'prettier'],
      env: { node: true },
    },
    {
      files: ['tests/**', 'bench/**'],
      env: { jest: true, node: true },
      rules: { '@typescript-eslint/no-require-imports': 'off', '@typescript-eslint/no-var-requires': 'off' },
    },
  ],
}
