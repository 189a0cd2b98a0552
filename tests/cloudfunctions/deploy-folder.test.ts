// The deploy folders of `npm run build:cloud` (dist-cloud/<name>/, what DevTools uploads): only what runs, the
// SDK inside, its unused parts loaded on first use and still working, licences next to the code.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { useEmulator, callFunction } from '../helpers/emulator'

const ROOT = join(__dirname, '..', '..')
const DEPLOY = join(ROOT, 'dist-cloud')
const FUNCTIONS = readdirSync(join(ROOT, 'cloudfunctions')).filter((n) =>
  statSync(join(ROOT, 'cloudfunctions', n)).isDirectory(),
)
const files = (dir: string, base = dir): string[] =>
  readdirSync(dir).flatMap((name) => {
    const full = join(dir, name)
    return statSync(full).isDirectory() ? files(full, base) : [relative(base, full)]
  })

/** Runs ES-module code of the build scripts in a Node of its own (Jest runs CommonJS); returns its stdout. */
const runModule = (code: string) =>
  execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd: ROOT, encoding: 'utf8' })
const scriptUrl = (...path: string[]) => JSON.stringify(`file://${join(ROOT, 'scripts', ...path)}`)

describe.each(FUNCTIONS)('deploy folder of %s', (name) => {
  const dir = join(DEPLOY, name)

  test('holds only what runs: index.js, vendor/, package.json without dependencies, config.json, notices', () => {
    const list = files(dir).map((f) => f.split('\\').join('/'))
    expect(list.filter((f) => !f.startsWith('vendor/')).sort()).toEqual(
      ['THIRD_PARTY_NOTICES', 'config.json', 'index.js', 'package.json'].sort(),
    )
    expect(list.some((f) => f.endsWith('.ts'))).toBe(false)
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
    expect(pkg).toMatchObject({ name, main: 'index.js' })
    expect(pkg.dependencies).toBeUndefined()
    expect(readFileSync(join(dir, 'config.json'), 'utf8')).toBe(
      readFileSync(join(ROOT, 'cloudfunctions', name, 'config.json'), 'utf8'),
    )
  })

  test('loads with no node_modules and, in SCF, none of its vendor/ chunks', () => {
    // a copy outside the repository: nothing can resolve from the root's node_modules
    const copy = mkdtempSync(join(tmpdir(), 'weauth-deploy-'))
    const loadedFiles = (env: Record<string, string>) =>
      JSON.parse(
        execFileSync(
          process.execPath,
          [
            '-e',
            `require(${JSON.stringify(join(copy, name, 'index.js'))}); console.log(JSON.stringify(Object.keys(require.cache)))`,
          ],
          { cwd: copy, env: { ...process.env, SILENCE: 'true', NODE_PATH: '', ...env }, encoding: 'utf8' },
        ),
      )
    try {
      execFileSync('cp', ['-r', dir, copy])
      // SCF says where the function runs (TENCENTCLOUD_RUNENV, as the emulator's workers have it)
      expect(loadedFiles({ TENCENTCLOUD_RUNENV: 'SCF' })).toEqual([join(copy, name, 'index.js')])
      // elsewhere cloud.init() asks the metadata service where it runs, through axios: the chunk is loaded for it
      expect(loadedFiles({ TENCENTCLOUD_RUNENV: '' })).toEqual([
        join(copy, name, 'index.js'),
        join(copy, name, 'vendor', 'axios.js'),
      ])
    } finally {
      rmSync(copy, { recursive: true, force: true })
    }
  })

  test('THIRD_PARTY_NOTICES names the SDK and its licence texts', () => {
    const notices = readFileSync(join(dir, 'THIRD_PARTY_NOTICES'), 'utf8')
    expect(notices).toContain('wx-server-sdk@4.0.2  (licence: MIT')
    expect(notices).toContain('@cloudbase/node-sdk@3.17.2')
    expect(notices).toContain('form-data@')
    expect(notices).toContain('Apache License')
    expect(notices).toMatch(/Permission is hereby granted, free of charge/)
  })
})

describe('the deferred parts of the bundled SDK, on first use', () => {
  const out = mkdtempSync(join(tmpdir(), 'weauth-probe-'))
  beforeAll(() => {
    const options = { sourceRoot: join(ROOT, 'tests', 'fixtures', 'bundled-sdk'), outRoot: out }
    runModule(
      `import { buildCloudFunctions } from ${scriptUrl('build-node.mjs')}; await buildCloudFunctions(${JSON.stringify(options)})`,
    )
  }, 60000)
  afterAll(() => rmSync(out, { recursive: true, force: true }))
  const emulator = useEmulator({ functionsDir: out })

  test('cold: no chunk is loaded', async () => {
    const account = await emulator().accounts.create()
    expect(await callFunction(emulator(), account, 'probe', { step: 'none' })).toEqual({ value: null, loaded: [] })
  })

  test("a storage upload loads xml2js (COS's replies) and works", async () => {
    const account = await emulator().accounts.create()
    const reply = await callFunction(emulator(), account, 'probe', { step: 'upload' })
    expect(reply.value).toBe('probe')
    expect(reply.loaded).toEqual(['xml2js.js'])
  })

  test("a request to an https endpoint goes through Node's https, loaded on first use", async () => {
    const account = await emulator().accounts.create()
    const reply = await callFunction(emulator(), account, 'probe', { step: 'https' })
    expect(reply.value).toMatch(/ECONNREFUSED 127\.0\.0\.1:1/)
  })

  test("a database watch() builds the realtime client, which loads lodash's functions", async () => {
    const account = await emulator().accounts.create()
    // the instance is warm: chunks earlier steps loaded are still there
    const reply = await callFunction(emulator(), account, 'probe', { step: 'watch' })
    expect(reply.value).toBe('function')
    expect(reply.loaded).toContain('lodash-realtime.js')
  })

  test('a 云调用 (a multipart request of protobuf messages) loads form-data and protobufjs, and works', async () => {
    const account = await emulator().accounts.create()
    const reply = await callFunction(emulator(), account, 'probe', { step: 'openapi' })
    expect(reply.value).toMatchObject({ errCode: 0, result: { suggest: 'pass' } })
    expect(reply.loaded).toEqual(
      expect.arrayContaining(['form-data.js', 'json-bigint.js', 'protobufjs-minimal.js', 'wx-openapi-messages.js']),
    )
    expect(reply.loaded).not.toContain('cloudbase-ai.js')
  })
})

describe('each vendor/ chunk gives its call site what it reads', () => {
  const chunk = (name: string) => require(join(DEPLOY, 'login', 'vendor', name))

  test('data-model: the two client factories the constructor and app.rdb call', () => {
    expect(typeof chunk('data-model.js').default.generateHTTPClient).toBe('function')
    expect(typeof chunk('data-model.js').default.generateMySQLClient).toBe('function')
  })
  test('cloudbase-ai: createAI, the app it registers with, the stream polyfill', () => {
    const { ai, app, webStreams } = chunk('cloudbase-ai.js')
    expect(typeof ai.createAI).toBe('function')
    expect(app).toBeTruthy()
    expect(typeof webStreams.ReadableStream).toBe('function')
  })
  test('jsonwebtoken signs and verifies; xml2js parses; form-data builds a multipart body', (done) => {
    const jwt = chunk('jsonwebtoken.js')
    expect(jwt.verify(jwt.sign({ uid: 'u' }, 'secret'), 'secret')).toMatchObject({ uid: 'u' })
    const FormData = chunk('form-data.js')
    const form = new FormData()
    form.append('field', 'value')
    expect(form.getHeaders()['content-type']).toMatch(/^multipart\/form-data; boundary=/)
    chunk('xml2js.js').parseString('<Error><Code>NoSuchKey</Code></Error>', (error: unknown, result: unknown) => {
      expect(error).toBeNull()
      expect(result).toEqual({ Error: { Code: ['NoSuchKey'] } })
      done()
    })
  })
  test('axios: the instance the requestClient shim and the metadata lookup call', () => {
    const axios = chunk('axios.js')
    expect(typeof axios.get).toBe('function')
    expect(typeof axios.default.get).toBe('function')
  })
  test('http-agents: the keep-alive agents and the two proxy agents request-core builds', () => {
    const { keepalive, httpsProxy, httpProxy } = chunk('http-agents.js')
    // agentkeepalive's agents: Node's, with its socket status on top
    for (const agent of [new keepalive.HttpsAgent({ keepAlive: true }), new keepalive({ keepAlive: true })]) {
      expect(agent.keepAlive).toBe(true)
      expect(agent.getCurrentStatus()).toMatchObject({ createSocketCount: 0 })
      agent.destroy()
    }
    expect(new keepalive.HttpsAgent().protocol).toBe('https:')
    expect(typeof httpsProxy.HttpsProxyAgent).toBe('function')
    expect(typeof httpProxy.HttpProxyAgent).toBe('function')
  })
  test('wx-openapi-messages: the protobuf messages the open-API calls encode, on the chunked protobufjs', () => {
    const messages = chunk('wx-openapi-messages.js')
    const bytes = messages.CommApiData.encode(messages.CommApiData.create({ apiType: 3, appid: 'wx1' })).finish()
    expect(messages.CommApiData.decode(bytes)).toMatchObject({ apiType: 3, appid: 'wx1' })
  })
  test("json-bigint: the open-API calls' JSON, big integers kept whole", () => {
    const JSONBig = chunk('json-bigint.js')({ useNativeBigInt: false })
    const parsed = JSONBig.parse('{"id":12345678901234567890}')
    expect(parsed.id.toString()).toBe('12345678901234567890')
    expect(JSONBig.stringify(parsed)).toBe('{"id":12345678901234567890}')
  })
  test("lodash-realtime: the realtime client's set, unset and cloneDeep", () => {
    const { set, unset, clonedeep } = chunk('lodash-realtime.js')
    const doc = { a: { b: 1 } }
    const copy = clonedeep(doc)
    set(copy, 'a.c', 2)
    unset(copy, 'a.b')
    expect(copy).toEqual({ a: { c: 2 } })
    expect(doc).toEqual({ a: { b: 1 } })
  })
  test('mime-db: one table, the newer of the two copies', () => {
    const db = chunk('mime-db.js')
    expect(db['image/png'].extensions).toEqual(['png'])
    expect(Object.keys(db).length).toBe(Object.keys(require('mime-db')).length)
  })
})

describe('the build stops when the pinned SDK changes', () => {
  test('a rewrite that no longer matches exactly as often fails with the file and the reason', () => {
    const probe = (text: string) =>
      runModule(`
        import { rewrite } from ${scriptUrl('cloud-sdk', 'defer-plugin.mjs')}
        import { DEFERRED } from ${scriptUrl('cloud-sdk', 'deferred-parts.mjs')}
        const entry = DEFERRED.find((e) => e.file === 'dist/auth/index.js')
        try { console.log(rewrite(${JSON.stringify(text)}, [entry], 'auth/index.js')) } catch (e) { console.log('THROWN ' + e.message) }
      `)
    expect(probe('const unrelated = 1;')).toMatch(
      /^THROWN .*expected 1 match\(es\) of .* found 0; the SDK's layout changed/,
    )
    expect(probe('const jsonwebtoken_1 = __importDefault(require("jsonwebtoken"));')).toContain(
      '__weauthDeferred(() => __importDefault(require("weauth-vendor:jsonwebtoken")))',
    )
  })

  test("the open-API messages taken out of wx-server-sdk's index.js: found once, or the build stops", () => {
    const extract = (sdkDir: string) =>
      runModule(`
        import { openapiMessagesChunk } from ${scriptUrl('cloud-sdk', 'deferred-parts.mjs')}
        try { console.log(openapiMessagesChunk(${JSON.stringify(sdkDir)})) } catch (e) { console.log('THROWN ' + e.message) }
      `)
    const sdkDir = join(ROOT, 'node_modules', 'wx-server-sdk')
    const source = extract(sdkDir)
    expect(source).toContain('require("weauth-vendor:protobufjs-minimal")')
    expect(source).not.toContain('__webpack_require__')
    expect(source).toContain('CommApiData')
    // the same SDK file with the module renamed, as a new version might have it
    const changed = mkdtempSync(join(tmpdir(), 'weauth-sdk-'))
    try {
      const text = readFileSync(join(sdkDir, 'index.js'), 'utf8')
      writeFileSync(join(changed, 'index.js'), text.split('./src/protobuf/openapi.js').join('./src/protobuf/api.js'))
      expect(extract(changed)).toMatch(/^THROWN .*expected its protobuf open-API module once.*layout changed/)
    } finally {
      rmSync(changed, { recursive: true, force: true })
    }
  })
})
