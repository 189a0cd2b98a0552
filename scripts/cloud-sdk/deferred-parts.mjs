// The parts of wx-server-sdk (and of @cloudbase/node-sdk under it) that a WeAuth function never touches on
// its way to a database call or a 云调用, and that the SDK nevertheless loads when it is required: the
// data-model client, the AI client, JWT signing (custom login tickets), the COS XML parser (storage errors),
// form-data and its own mime-db (multipart uploads and open-API calls with files), the protobuf open-API
// code (cloud.openapi.*), axios (the metadata lookup outside SCF), the keep-alive and proxy agents (off in
// SCF unless configured), Node's https (SCF calls the SDK's internal endpoint over http), json-bigint (the
// open-API calls' JSON), the database's realtime client (watch()) and bson's binary parser (the database only
// uses EJSON). Bundled into each function, each one is
// still there, unchanged, but evaluated on first use instead of at cold start.
//
// Each entry is an exact rewrite of one file of the pinned version. `count` is how many times `find` must
// occur in it: a different count means the SDK's layout changed, and the build stops (scripts/cloud-sdk/
// defer-plugin.mjs) rather than ship a bundle that loads everything again or, worse, breaks a call path.
// Updating the SDK: bump PINNED, run `npm run build:cloud`, fix each reported entry, rerun
// `npx jest tests/cloudfunctions tests/emulator`.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

/** The versions the rewrites were written against; any other version fails the build. */
export const PINNED = {
  'wx-server-sdk': '4.0.2',
  '@cloudbase/node-sdk': '3.17.2',
  axios: '0.27.2', // @cloudbase/node-sdk's own (nested) axios
  '@cloudbase/database': '1.4.3',
  bson: '4.7.2', // @cloudbase/database's own (nested) bson
}

const deferred = (what) => (_match, binding, expression) =>
  `const ${binding} = __weauthDeferred(() => ${expression}); // ${what}: loaded on first use`
// `weauth-vendor:<chunk>` is one of scripts/cloud-sdk/vendor-chunks.mjs: a file of its own in the deploy
// folder, so that its code is not even parsed at cold start
const fromChunk =
  (chunk, wrap = (r) => r) =>
  (_match, binding) =>
    `const ${binding} = __weauthDeferred(() => ${wrap(`require("weauth-vendor:${chunk}")`)}); // vendor/${chunk}: loaded on first use`
const importDefault = (r) => `__importDefault(${r})`
const importStar = (r) => `__importStar(${r})`
const member = (name) => (r) => `${r}.${name}`

// wx-server-sdk's index.js is a webpack bundle; its protobuf open-API messages are one module of it (4,500
// lines, 177 KB) that only requires protobufjs. Its function body goes whole into a chunk of its own.
const OPENAPI_MESSAGES =
  /(\/\*\*\*\/ "\.\/src\/protobuf\/openapi\.js":\n(?:.*\n){4}\/\*\*\*\/ \(function\(module, exports, __webpack_require__\) \{\n)([\s\S]*?)(\n\/\*\*\*\/ \}\),\n\n\/\*\*\*\/ "\.\/src\/utils\/assert\.ts":)/g
const PROTOBUF_IN_MESSAGES = '__webpack_require__(/*! protobufjs/minimal */ "protobufjs/minimal")'

/** The source of the wx-openapi-messages chunk: that module's body, its one webpack require made a plain one. */
export function openapiMessagesChunk(sdkDir) {
  const text = readFileSync(join(sdkDir, 'index.js'), 'utf8')
  const modules = [...text.matchAll(OPENAPI_MESSAGES)]
  const body = modules.length === 1 ? modules[0][2] : ''
  if (body.split(PROTOBUF_IN_MESSAGES).length !== 2) {
    throw new Error(
      `cloud-function build: wx-server-sdk/index.js: expected its protobuf open-API module once, requiring protobufjs once (${modules.length} module(s) found); the SDK's layout changed (scripts/cloud-sdk/deferred-parts.mjs)`,
    )
  }
  return body.replace(PROTOBUF_IN_MESSAGES, 'require("weauth-vendor:protobufjs-minimal")')
}

/** @type {Array<{ package: string, file: string, find: RegExp | string, replace: string | Function, count: number, why: string }>} */
export const DEFERRED = [
  {
    package: '@cloudbase/node-sdk',
    file: 'dist/cloudbase.js',
    find: /^const (axios_1) = __importDefault\(require\("axios"\)\);$/m,
    replace: fromChunk('axios', importDefault),
    count: 1,
    why: 'axios: only the requestClient shim for extensions returns it',
  },
  {
    package: '@cloudbase/node-sdk',
    file: 'dist/utils/metadata.js',
    find: /^const (axios_1) = __importDefault\(require\("axios"\)\);$/m,
    replace: fromChunk('axios', importDefault),
    count: 1,
    why: 'axios: the metadata lookup, which SCF skips (TENCENTCLOUD_RUNENV says where the function runs)',
  },
  {
    package: '@cloudbase/node-sdk',
    file: 'dist/utils/request-core.js',
    find: /^const (agentkeepalive_1) = __importStar\(require\("agentkeepalive"\)\);$/m,
    replace: fromChunk('http-agents', (r) => importStar(member('keepalive')(r))),
    count: 1,
    why: 'keep-alive agents: built only when keepalive is on (off by default in SCF)',
  },
  {
    package: '@cloudbase/node-sdk',
    file: 'dist/utils/request-core.js',
    find: /^const (https_proxy_agent_1) = require\("https-proxy-agent"\);$/m,
    replace: fromChunk('http-agents', member('httpsProxy')),
    count: 1,
    why: 'proxy agents: built only when a proxy is configured',
  },
  {
    package: '@cloudbase/node-sdk',
    file: 'dist/utils/request-core.js',
    find: /^const (http_proxy_agent_1) = require\("http-proxy-agent"\);$/m,
    replace: fromChunk('http-agents', member('httpProxy')),
    count: 1,
    why: 'proxy agents: built only when a proxy is configured',
  },
  {
    package: '@cloudbase/database',
    file: 'dist/commonjs/query.js',
    find: /^const (websocket_client_1) = (require\("\.\/realtime\/websocket-client"\));$/m,
    replace: deferred("the database's realtime client"),
    count: 1,
    why: 'the realtime client (with lodash.set/unset/clonedeep): only watch() builds it',
  },
  {
    package: '@cloudbase/database',
    file: 'dist/commonjs/document.js',
    find: /^const (websocket_client_1) = (require\("\.\/realtime\/websocket-client"\));$/m,
    replace: deferred("the database's realtime client"),
    count: 1,
    why: 'the realtime client: only watch() builds it',
  },
  {
    package: '@cloudbase/node-sdk',
    file: 'dist/utils/request-core.js',
    find: /^const (https_1) = (__importDefault\(require\("https"\)\));$/m,
    replace: deferred("Node's https (and tls)"),
    count: 1,
    why: 'https: in SCF the SDK calls its internal endpoint over http; https is for the public endpoint and COS',
  },
  {
    package: '@cloudbase/database',
    file: 'dist/commonjs/realtime/virtual-websocket-client.js',
    find: /^const (lodash_set_1|lodash_unset_1|lodash_clonedeep_1) = require\("lodash\.(set|unset|clonedeep)"\);$/gm,
    replace: (_m, binding, name) => `const ${binding} = require("weauth-vendor:lodash-realtime").${name};`,
    count: 3,
    why: 'lodash.set/unset/clonedeep: only the realtime client (deferred above) uses them; a chunk of their own',
  },
  {
    package: 'bson',
    file: 'lib/bson.js',
    find: /^var (calculate_size_1|deserializer_1|serializer_1) = (require\("\.\/parser\/(?:calculate_size|deserializer|serializer)"\));$/gm,
    replace: deferred("bson's binary parser"),
    count: 3,
    why: "bson's binary serializer, deserializer and size calculator: the database only uses bson's EJSON",
  },
  {
    package: 'wx-server-sdk',
    file: 'index.js',
    find: OPENAPI_MESSAGES,
    replace: (_m, head, _body, tail) => `${head}module.exports = require("weauth-vendor:wx-openapi-messages");${tail}`,
    count: 1,
    why: 'the protobuf open-API messages: parsed only when a 云调用 first needs them (the deferrals below)',
  },
  {
    package: '@cloudbase/node-sdk',
    file: 'dist/cloudbase.js',
    find: /^const (wx_cloud_client_sdk_1) = __importDefault\(require\("@cloudbase\/wx-cloud-client-sdk"\)\);$/m,
    replace: fromChunk('data-model', importDefault),
    count: 1,
    why: 'data-model (models / MySQL) client, built in the constructor: only app.models and app.rdb use it',
  },
  {
    package: '@cloudbase/node-sdk',
    file: 'dist/cloudbase.js',
    // the constructor builds app.models eagerly; the same code now runs on the first read of app.models
    find: /^( *)try \{\n( *\/\/ 初始化数据模型等 SDK 方法\n[\s\S]*?)\n *this\.models = httpClient;\n *\}\n *catch \(e\) \{\n *\/\/ ignore\n *\}$/m,
    replace: (_m, indent, body) =>
      `${indent}__weauthDeferredProperty(this, 'models', () => {\n${indent}try {\n${body}\n${indent}return httpClient;\n${indent}}\n${indent}catch (e) {\n${indent}return undefined; // as before: a failed init leaves models unset\n${indent}}\n${indent}});`,
    count: 1,
    why: 'app.models, built on first read instead of in the constructor',
  },
  {
    package: '@cloudbase/node-sdk',
    file: 'dist/cloudbase.js',
    find: /^const (ai_1) = (require\("\.\/ai"\));$/m,
    replace: deferred("the node SDK's AI glue"),
    count: 1,
    why: 'AI client: only app.ai() uses it',
  },
  {
    package: '@cloudbase/node-sdk',
    file: 'dist/ai/index.js',
    find: /^const (ai_1|app_1) = require\("@cloudbase\/(ai|app)"\);$/gm,
    replace: (_m, binding, name) => `const ${binding} = require("weauth-vendor:cloudbase-ai").${name};`,
    count: 2,
    why: 'the AI client (@cloudbase/ai, @cloudbase/app): a chunk of its own, loaded with the glue above',
  },
  {
    package: '@cloudbase/node-sdk',
    file: 'dist/ai/request-adapter.js',
    find: /^const (web_streams_polyfill_1) = require\("web-streams-polyfill"\);$/m,
    replace: (_m, binding) => `const ${binding} = require("weauth-vendor:cloudbase-ai").webStreams;`,
    count: 1,
    why: "the AI client's stream polyfill, in the same chunk",
  },
  {
    package: '@cloudbase/node-sdk',
    file: 'dist/auth/index.js',
    find: /^const (jsonwebtoken_1) = __importDefault\(require\("jsonwebtoken"\)\);$/m,
    replace: fromChunk('jsonwebtoken', importDefault),
    count: 1,
    why: 'JWT signing: only auth().createTicket() uses it',
  },
  {
    package: '@cloudbase/node-sdk',
    file: 'dist/storage/index.js',
    find: /^const (xml2js_1) = require\("xml2js"\);$/m,
    replace: fromChunk('xml2js'),
    count: 1,
    why: "COS's XML replies: only storage uploads parse them",
  },
  {
    package: '@cloudbase/node-sdk',
    file: 'dist/utils/request-core.js',
    find: /^const (form_data_1) = __importDefault\(require\("form-data"\)\);$/m,
    replace: fromChunk('form-data', importDefault),
    count: 1,
    why: 'multipart bodies (uploads, open-API calls with files): needed, so deferred, not dropped',
  },
  {
    package: 'axios',
    file: 'lib/defaults/env/FormData.js',
    // axios's defaults hold the FormData class, and every request deep-merges the defaults (the SDK's first one,
    // the metadata lookup, runs in init()): a constructor that loads form-data when a form body is built
    find: "module.exports = require('form-data');",
    replace:
      'var FormData;\nmodule.exports = function DeferredFormData() {\n  FormData = FormData || require("weauth-vendor:form-data");\n  return Reflect.construct(FormData, arguments);\n};',
    count: 1,
    why: "axios's FormData class (form-data, mime-types and mime-db): loaded when a request has a form body",
  },
  {
    package: 'wx-server-sdk',
    file: 'index.js',
    find: /^const (openapi_1) = (__webpack_require__\(\/\*! [./]*protobuf\/openapi \*\/ "\.\/src\/protobuf\/openapi\.js"\));$/gm,
    replace: deferred('protobuf open-API messages'),
    count: 7,
    why: 'the protobuf open-API code (4,500 lines): only cloud.openapi / cloudPay / getOpenData use it',
  },
  {
    package: 'wx-server-sdk',
    file: 'index.js',
    find: 'module.exports = require("protobufjs/minimal");',
    replace: 'module.exports = require("weauth-vendor:protobufjs-minimal");',
    count: 1,
    why: 'protobufjs, which only the open-API messages above require',
  },
  {
    package: 'wx-server-sdk',
    file: 'index.js',
    find: /^const JSONBigInt = JSONBigIntDefault\(\{\n {4}useNativeBigInt: false,\n\}\);$/m,
    replace:
      'const JSONBigInt = __weauthDeferred(() => JSONBigIntDefault({ useNativeBigInt: false })); // json-bigint: loaded on first use',
    count: 1,
    why: "json-bigint (and bignumber.js), which only the open-API calls' JSON goes through",
  },
  {
    package: 'wx-server-sdk',
    file: 'index.js',
    find: 'const JSONBigIntDefault = __webpack_require__(/*! json-bigint */ "json-bigint");',
    replace: 'const JSONBigIntDefault = (options) => __webpack_require__(/*! json-bigint */ "json-bigint")(options);',
    count: 1,
    why: 'json-bigint: required when the deferred JSONBigInt above is first used',
  },
  {
    package: 'wx-server-sdk',
    file: 'index.js',
    find: 'module.exports = require("json-bigint");',
    replace: 'module.exports = require("weauth-vendor:json-bigint");',
    count: 1,
    why: 'json-bigint and bignumber.js, a chunk of their own',
  },
  {
    package: 'wx-server-sdk',
    file: 'index.js',
    find: /^const (mimeDB) = (__webpack_require__\(\/\*! mime-db \*\/ "mime-db"\));$/m,
    replace: deferred('mime-db'),
    count: 1,
    why: "mime-db: only open-API calls that return a file (a buffer's extension) read it",
  },
  {
    package: 'wx-server-sdk',
    file: 'index.js',
    find: 'module.exports = require("mime-db");',
    replace: 'module.exports = require("weauth-vendor:mime-db.js");',
    count: 1,
    why: "mime-db as a file of the deploy folder (shared with form-data's mime-types)",
  },
]

/**
 * The two helpers the rewrites call, appended to each rewritten file (function declarations are hoisted, and
 * appending keeps a leading "use strict" directive first). A deferred module is a Proxy that loads it on the
 * first property read; each call site of these modules only reads properties (`x.default`, `(0, x.fn)()`).
 */
export const HELPERS = `
function __weauthDeferred(load) {
  var loaded;
  var get = function () { return loaded || (loaded = load()); };
  return new Proxy({}, {
    get: function (_t, key) { return get()[key]; },
    has: function (_t, key) { return key in get(); },
    ownKeys: function () { return Reflect.ownKeys(get()); },
    getOwnPropertyDescriptor: function (_t, key) {
      var d = Object.getOwnPropertyDescriptor(get(), key);
      if (d) d.configurable = true;
      return d;
    }
  });
}
function __weauthDeferredProperty(target, key, build) {
  Object.defineProperty(target, key, {
    configurable: true,
    enumerable: true,
    get: function () {
      var value = build();
      Object.defineProperty(target, key, { configurable: true, enumerable: true, writable: true, value: value });
      return value;
    },
    set: function (value) {
      Object.defineProperty(target, key, { configurable: true, enumerable: true, writable: true, value: value });
    }
  });
}
`
