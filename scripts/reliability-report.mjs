// Writes the reliability report from the run that just happened: each guarantee, the test that proves it, that
// test's result in test-output/jest.json and the figures it recorded in test-output/reliability/*.json
// (tests/helpers/figures.ts). `npm test` writes it to test-output/RELIABILITY.md (the tree stays as it was);
// `npm run report:reliability` (`--commit`) refreshes the committed docs/RELIABILITY.md from the last full run.
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const output = join(root, 'test-output')

/** Guarantees in issue order; `figures` names recorded files (a prefix ends with *), `tests` matches test names. */
const GUARANTEES = [
  [
    'Identity',
    'Every cloud function takes the caller from `cloud.getWXContext()`; forged `openid`/`_openid`/`userInfo` in events are ignored',
    {
      figures: 'identity-*',
      tests: [
        ['tests/cloudfunctions/identity.test.ts', ''],
        ['tests/cloudfunctions/login.test.ts', 'forged in the event'],
      ],
    },
  ],
  [
    'Database rules',
    'Through the client path no user reads any `users` record, not even their own: the app sees only the masked view the functions return',
    {
      figures: 'rules-read-own-only',
      tests: [['tests/emulator/database.test.ts', 'no client read at all']],
    },
  ],
  [
    'Database rules',
    'No client write to `users` at all: server-only fields (role, status, phone, loginCount, createdAt) cannot be written from the mini program',
    { figures: 'rules-no-client-write', tests: [['tests/emulator/database.test.ts', 'no client write at all']] },
  ],
  [
    'Input validation',
    'One valibot schema per function, one rejection shape `{ ok: false, code, message }`, 16 KB event cap; 1,000 generated malformed events per function: no crash, no partial write',
    {
      figures: 'fuzz-*',
      tests: [
        ['tests/cloudfunctions/hardening.test.ts', 'malformed events'],
        ['tests/cloudfunctions/login.test.ts', 'oversized event'],
      ],
    },
  ],
  [
    'Concurrency',
    '50 concurrent first logins of one openid leave one record with loginCount 50',
    {
      figures: 'concurrency-same-openid',
      tests: [['tests/cloudfunctions/hardening.test.ts', '50 concurrent first logins']],
    },
  ],
  [
    'Concurrency',
    '1,000 distinct users logging in concurrently leave 1,000 records',
    {
      figures: 'concurrency-distinct-users',
      tests: [['tests/cloudfunctions/hardening.test.ts', '1,000 distinct users']],
    },
  ],
  [
    'Concurrency',
    'Ten concurrent `login()` callers on one device share one cloud round trip',
    { figures: 'single-flight-login', tests: [['tests/services/auth-service.test.ts', 'ten concurrent']] },
  ],
  [
    'Faults',
    'Injected database, storage and open-API faults and a function timeout never leave a half-written user; a retry converges',
    { figures: 'faults-no-half-written-user', tests: [['tests/cloudfunctions/faults.test.ts', '']] },
  ],
  [
    'Faults',
    'The client retries what is safe to retry (login, updateProfile: 2 retries, 300/900 ms backoff) and shows a clear, retryable message otherwise',
    {
      tests: [
        ['tests/services/auth-service.test.ts', 'retried'],
        ['tests/pages/auth.test.ts', 'retried with backoff'],
        ['tests/pages/auth.test.ts', 'keeps failing'],
        ['tests/pages/login-journey.test.ts', 'retried with backoff'],
      ],
    },
  ],
  [
    'Faults',
    'Corrupt or foreign data in local storage leads to a clean logged-out start, never a crash',
    {
      tests: [
        ['tests/pages/auth.test.ts', 'corrupt or foreign data'],
        ['tests/services/auth-service.test.ts', 'corrupt storage'],
      ],
    },
  ],
  [
    'Faults',
    'An expired WeChat session is renewed transparently with exactly one backend call',
    {
      tests: [
        ['tests/pages/auth.test.ts', 'expired WeChat session'],
        ['tests/pages/login-journey.test.ts', 'expired WeChat session'],
      ],
    },
  ],
]

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'))
  } catch {
    return undefined
  }
}

const jest = readJson(join(output, 'jest.json'))
if (!jest) {
  console.error('reliability report: test-output/jest.json is missing; run npm test first')
  process.exit(1)
}
const results = jest.testResults.flatMap((file) =>
  file.assertionResults.map((a) => ({ file: relative(root, file.name), name: a.fullName, status: a.status })),
)
const figureDir = join(output, 'reliability')
const figures = existsSync(figureDir)
  ? readdirSync(figureDir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => ({ id: f.slice(0, -5), ...readJson(join(figureDir, f)) }))
  : []

const matches = (pattern, id) => (pattern.endsWith('*') ? id.startsWith(pattern.slice(0, -1)) : id === pattern)
const escape = (s) => String(s).replace(/\|/g, '\\|')
const FIGURE_SKIP = new Set(['id', 'guarantee', 'test', 'recordedAt'])

let failing = 0
const sections = new Map()
for (const [section, guarantee, proof] of GUARANTEES) {
  const tests = proof.tests.flatMap(([file, title]) => results.filter((r) => r.file === file && r.name.includes(title)))
  const passed = tests.filter((t) => t.status === 'passed').length
  const verdict =
    tests.length === 0
      ? 'not run'
      : passed === tests.length
        ? `pass (${passed}/${tests.length})`
        : `FAIL (${passed}/${tests.length})`
  if (tests.length === 0 || passed !== tests.length) failing++
  const recorded = proof.figures ? figures.filter((f) => matches(proof.figures, f.id)) : []
  const figureText = recorded.length
    ? recorded
        .map(
          (f) =>
            `${f.id}: ${Object.entries(f)
              .filter(([k]) => !FIGURE_SKIP.has(k))
              .map(([k, v]) => `${k} ${v}`)
              .join(', ')}`,
        )
        .join('<br>')
    : '—'
  const files = [...new Set(proof.tests.map(([file]) => `\`${file}\``))].join('<br>')
  if (!sections.has(section)) sections.set(section, [])
  sections.get(section).push(`| ${escape(guarantee)} | ${files} | ${verdict} | ${escape(figureText)} |`)
}

let commit = 'unknown'
try {
  commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim()
} catch {
  // not a git checkout (an exported tree): the report says "unknown"
}

const lines = [
  '# Reliability: what WeAuth guarantees, and the run that proves it',
  '',
  `Generated by \`npm test\` (scripts/reliability-report.mjs) from the last run: ${new Date(jest.startTime).toISOString()}, ` +
    `commit ${commit} (plus any uncommitted changes), ${jest.numPassedTests} tests passed, ${jest.numFailedTests} failed. ` +
    'Figures are what the tests counted in that run (tests/helpers/figures.ts), not typed in.',
  '',
]
for (const [section, rows] of sections) {
  lines.push(
    `## ${section}`,
    '',
    '| guarantee | proven by | result | figures |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
  )
}
lines.push(
  '## How the proofs run',
  '',
  '- Cloud functions run as deployed (`dist-cloud/*/index.js`, the unmodified `wx-server-sdk` bundled in), against the local',
  '  emulator (docs/emulator/); faults are injected there (`emulator.faults.add`), never by mocking the code under test.',
  "- Page guarantees run the compiled weapp (`dist/`) under miniprogram-simulate with the emulator's simulated WeChat client.",
  '- Database rules are the shipped `database/rules/users.json`, evaluated on the client path the mini program uses.',
  '',
)
const target = process.argv.includes('--commit') ? join(root, 'docs', 'RELIABILITY.md') : join(output, 'RELIABILITY.md')
writeFileSync(target, lines.join('\n'))
console.log(
  `reliability report: ${relative(root, target)}, ${GUARANTEES.length} guarantees, ${failing} not proven in this run`,
)
process.exit(failing ? 1 : 0)
