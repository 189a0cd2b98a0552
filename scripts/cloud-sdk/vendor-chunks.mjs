// The SDK's deferred parts that have nothing to share with the rest of it, each bundled into a file of its own
// in the deploy folder (vendor/<chunk>.js), required on first use from the rewrites of deferred-parts.mjs
// (`require("weauth-vendor:<chunk>")`). A function's index.js then holds only what a cold start evaluates:
// V8 parses every byte of a file it loads, deferred or not, and parsing was a third of the cold load.
// A chunk holds whole packages with no state shared with the main bundle (the AI client and @cloudbase/app it
// registers with go together); the chunks are the same for every function and are built once.
import { build } from 'esbuild'
import { mkdirSync, readFileSync, writeFileSync, cpSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { brotliCompressSync, constants as zlibConstants } from 'node:zlib'
import { deferSdkParts, pinnedPackageDirs } from './defer-plugin.mjs'
import { openapiMessagesChunk } from './deferred-parts.mjs'
import { eagerModulesInFile } from './eager-modules.mjs'

const PREFIX = /^weauth-vendor:/

/**
 * chunk -> where its packages are resolved from (a pinned package's folder) and what it exports: `source`, or
 * `sourceOf(dir)` for code taken out of a pinned file of that package
 */
export const CHUNKS = {
  'cloudbase-ai': {
    from: ['@cloudbase/node-sdk', 'dist/ai'],
    source: `module.exports = { ai: require('@cloudbase/ai'), app: require('@cloudbase/app'), webStreams: require('web-streams-polyfill') }`,
  },
  'data-model': {
    from: ['@cloudbase/node-sdk', 'dist'],
    source: `module.exports = require('@cloudbase/wx-cloud-client-sdk')`,
  },
  jsonwebtoken: { from: ['@cloudbase/node-sdk', 'dist'], source: `module.exports = require('jsonwebtoken')` },
  xml2js: { from: ['@cloudbase/node-sdk', 'dist'], source: `module.exports = require('xml2js')` },
  'form-data': { from: ['@cloudbase/node-sdk', 'dist'], source: `module.exports = require('form-data')` },
  'protobufjs-minimal': { from: ['wx-server-sdk', '.'], source: `module.exports = require('protobufjs/minimal')` },
  // axios (with follow-redirects and debug): the node SDK asks it only for the metadata lookup outside SCF and
  // for the requestClient shim of extensions
  axios: { from: ['@cloudbase/node-sdk', 'dist'], source: `module.exports = require('axios')` },
  // keep-alive and proxy agents: the node SDK builds one only when keepalive (off in SCF) or a proxy is set
  'http-agents': {
    from: ['@cloudbase/node-sdk', 'dist/utils'],
    source: `module.exports = { keepalive: require('agentkeepalive'), httpsProxy: require('https-proxy-agent'), httpProxy: require('http-proxy-agent') }`,
  },
  // lodash's three functions the database's realtime client uses (watch())
  'lodash-realtime': {
    from: ['@cloudbase/database', 'dist/commonjs/realtime'],
    source: `module.exports = { set: require('lodash.set'), unset: require('lodash.unset'), clonedeep: require('lodash.clonedeep') }`,
  },
  // json-bigint (with bignumber.js): the JSON of wx-server-sdk's open-API calls
  'json-bigint': { from: ['wx-server-sdk', '.'], source: `module.exports = require('json-bigint')` },
  // wx-server-sdk's protobuf open-API messages, taken out of its index.js (deferred-parts.mjs)
  'wx-openapi-messages': { from: ['wx-server-sdk', '.'], sourceOf: (dir) => openapiMessagesChunk(dir) },
}
/**
 * mime-db is data, shared by wx-server-sdk and form-data's mime-types: its table, minified and brotli-compressed
 * (160 KB of JSON, 20 KB in the deploy folder), and a module that reads it when first required
 */
const MIME_DB = 'mime-db.js'
const MIME_DB_TABLE = 'mime-db.json.br'
const mimeDbModule = (version) => `"use strict";
// mime-db@${version}'s table, brotli-compressed to keep the deploy folder small; read when first required
var fs = require("fs"), path = require("path"), zlib = require("zlib");
module.exports = JSON.parse(zlib.brotliDecompressSync(fs.readFileSync(path.join(__dirname, "${MIME_DB_TABLE}"))).toString("utf8"));
`

const versionOf = (dir) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version

/**
 * One mime-db for everything: wx-server-sdk requires the root copy (1.54), mime-types its own nested 1.52.
 * mime-db only adds types between minor versions, so the newer copy serves both; the build fails if an
 * importer wants a newer minor or another major than the shipped one.
 */
function mimeDbPlugin(rootMimeDb, externalPath) {
  return {
    name: 'weauth-one-mime-db',
    setup(b) {
      b.onResolve({ filter: /^mime-db$/ }, (args) => {
        const wanted = dirname(createRequire(join(args.resolveDir, 'noop.js')).resolve('mime-db/package.json'))
        const [haveMajor, haveMinor] = versionOf(rootMimeDb).split('.').map(Number)
        const [wantMajor, wantMinor] = versionOf(wanted).split('.').map(Number)
        if (haveMajor !== wantMajor || haveMinor < wantMinor) {
          throw new Error(
            `cloud-function build: ${args.importer} wants mime-db ${versionOf(wanted)}, the shipped one is ${versionOf(rootMimeDb)} (scripts/cloud-sdk/vendor-chunks.mjs)`,
          )
        }
        return { path: externalPath, external: true }
      })
    },
  }
}

const rootMimeDbOf = (root) =>
  dirname(createRequire(join(pinnedPackageDirs(root)['wx-server-sdk'], 'noop.js')).resolve('mime-db/package.json'))

/**
 * esbuild plugin: `weauth-vendor:<chunk>` -> require("<folder><chunk>.js"), and any other mime-db import to the
 * shipped table's module; the folder is ./vendor/ for a function's main bundle, ./ for a chunk (chunks require each
 * other: axios's FormData is the form-data chunk)
 */
export function vendorChunkPlugin(root, folder = './vendor/') {
  const mimeDb = mimeDbPlugin(rootMimeDbOf(root), `${folder}${MIME_DB}`)
  return {
    name: 'weauth-vendor-chunks',
    setup(b) {
      mimeDb.setup(b)
      b.onResolve({ filter: PREFIX }, (args) => {
        const chunk = args.path.replace(PREFIX, '')
        if (chunk !== MIME_DB && !CHUNKS[chunk]) throw new Error(`cloud-function build: unknown vendor chunk ${chunk}`)
        return { path: chunk === MIME_DB ? `${folder}${MIME_DB}` : `${folder}${chunk}.js`, external: true }
      })
    },
  }
}

/**
 * Builds every chunk into `outDir` (a vendor/ folder to copy into each deploy folder), the pinned files they
 * hold rewritten as in the main bundle.
 * @param applied the Set deferSdkParts fills with the rewritten files
 * @returns the chunks' esbuild metafiles (for THIRD_PARTY_NOTICES)
 */
export async function buildVendorChunks(root, outDir, applied) {
  const dirs = pinnedPackageDirs(root)
  const rootMimeDb = rootMimeDbOf(root)
  mkdirSync(outDir, { recursive: true })
  const db = JSON.parse(readFileSync(join(rootMimeDb, 'db.json'), 'utf8'))
  const quality = { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: zlibConstants.BROTLI_MAX_QUALITY } }
  writeFileSync(join(outDir, MIME_DB_TABLE), brotliCompressSync(JSON.stringify(db), quality))
  writeFileSync(join(outDir, MIME_DB), mimeDbModule(versionOf(rootMimeDb)))
  const metafiles = await Promise.all(
    Object.entries(CHUNKS).map(async ([name, chunk]) => {
      const contents = chunk.sourceOf ? chunk.sourceOf(dirs[chunk.from[0]]) : chunk.source
      const result = await build({
        stdin: { contents, resolveDir: join(dirs[chunk.from[0]], chunk.from[1]), loader: 'js' },
        outfile: join(outDir, `${name}.js`),
        bundle: true,
        platform: 'node',
        target: 'node16', // WeChat's default cloud-function runtime is Nodejs16.13
        format: 'cjs',
        minify: true,
        plugins: [deferSdkParts(root, applied), vendorChunkPlugin(root, './')],
        metafile: true,
        legalComments: 'none',
        logLevel: 'warning',
        absWorkingDir: root,
      })
      // loaded on first use, then nearly every module of the chunk runs
      eagerModulesInFile(join(outDir, `${name}.js`), { required: false })
      return result.metafile
    }),
  )
  // mime-db's own files, for its notice
  metafiles.push({ inputs: { [join(rootMimeDb, 'db.json')]: {} } })
  return metafiles
}

export const copyVendor = (from, deployDir) => cpSync(from, join(deployDir, 'vendor'), { recursive: true })
