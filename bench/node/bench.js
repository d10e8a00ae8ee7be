'use strict'
// sinch-auth next to Node crypto written like @sinch/sdk-client and the SDK's own helpers.
// Prints JSON lines {name, ns} for bench/report.py.
const crypto = require('node:crypto')
const fs = require('node:fs')
const path = require('node:path')
const readline = require('node:readline')
const { spawn } = require('node:child_process')
const sa = require('../../node/index.js')
const baseline = require('./baseline.js')
let official = null
try { official = require('@sinch/sdk-client') } catch { /* installed only for the bench */ }

function perCallNs (fn) {
  // Calibrate to ~20 ms per sample, then the median of 15 samples.
  let n = 1
  for (;;) {
    const t = process.hrtime.bigint()
    for (let i = 0; i < n; i++) fn()
    const took = Number(process.hrtime.bigint() - t)
    if (took > 20e6) break
    n *= 2
  }
  const samples = []
  for (let s = 0; s < 15; s++) {
    const t = process.hrtime.bigint()
    for (let i = 0; i < n; i++) fn()
    samples.push(Number(process.hrtime.bigint() - t) / n)
  }
  samples.sort((a, b) => a - b)
  return samples[7]
}

// The core's sign_request in a child process (crates/sinch-auth/examples/sign_loop.rs), so
// the binding overhead is measured against the core in the same interleaved rounds.
function rustCore (size) {
  const exe = path.join(__dirname, '../../target/release/examples/sign_loop')
  if (!fs.existsSync(exe)) return null
  const child = spawn(exe, [String(size)], { stdio: ['pipe', 'pipe', 'inherit'] })
  const lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]()
  return {
    async batch (n) {
      child.stdin.write(`${n}\n`)
      const { value } = await lines.next()
      return Number(value)
    },
    close () { child.stdin.end() }
  }
}

// Times the variants in interleaved rounds (the VM's speed drifts); medians per call. With a
// rust_core variant it also emits the median of the per-round ratios sinch_auth / rust_core
// (neighbouring samples share the machine's state).
async function sideBySide (prefix, variants, rounds = 15) {
  const keys = Object.keys(variants)
  const time = async (k, n) => {
    const v = variants[k]
    if (typeof v !== 'function') return v.batch(n)
    const t = process.hrtime.bigint()
    for (let i = 0; i < n; i++) v()
    return Number(process.hrtime.bigint() - t)
  }
  const n = {}
  for (const k of keys) {
    n[k] = 1
    while (await time(k, n[k]) < 20e6) n[k] *= 2
  }
  const samples = Object.fromEntries(keys.map((k) => [k, []]))
  for (let r = 0; r < rounds; r++) {
    for (const k of [...keys.slice(r % keys.length), ...keys.slice(0, r % keys.length)]) {
      samples[k].push(await time(k, n[k]) / n[k])
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
  for (const k of keys) emit(`${prefix}/${k}`, median(samples[k]))
  if (samples.rust_core) {
    const ratios = samples.sinch_auth.map((a, i) => a / samples.rust_core[i])
    console.log(JSON.stringify({ name: `${prefix}/overhead`, ratio: median(ratios) }))
  }
}

const emit = (name, ns) => console.log(JSON.stringify({ name, ns: Math.round(ns * 10) / 10 }))
const KEY = '669E367E-6BBA-48AB-AF15-266871C28135'
const SECRET = 'BeIukql3pTKJ8RGL5zo0DA=='
const TS = '2024-01-19T09:19:28.9372196Z'
const body = (n) => Buffer.from(Array.from({ length: n }, (_, i) => '{"a":1234567890}'.charCodeAt(i % 16)))

async function main () {
  const app = new sa.ApplicationCredentials({ appKey: KEY, appSecret: SECRET })
  for (const [label, n] of [['empty', 0], ['200B', 200], ['1KiB', 1024], ['64KiB', 65536]]) {
    const b = body(n)
    const text = b.toString()
    const req = { method: 'POST', path: '/calling/v1/callouts', body: b, contentType: 'application/json', timestamp: TS }
    const ours = sa.signRequest(app, req)
    const theirs = baseline.signRequest(KEY, SECRET, 'POST', '/calling/v1/callouts', b, 'application/json', TS)
    if (ours.Authorization !== theirs.Authorization) throw new Error('signatures differ')
    // The calls as users write them: another method casing and a charset, a string body.
    const reqCharset = { method: 'post', path: '/calling/v1/callouts', body: b, contentType: 'application/json; charset=UTF-8', timestamp: TS }
    const reqString = { method: 'POST', path: '/calling/v1/callouts', body: text, timestamp: TS }
    const variants = {
      sinch_auth: () => sa.signRequest(app, req),
      sinch_auth_charset: () => sa.signRequest(app, reqCharset),
      sinch_auth_string_body: () => sa.signRequest(app, reqString),
      node_crypto: () => baseline.signRequest(KEY, SECRET, 'POST', '/calling/v1/callouts', b, 'application/json', TS)
    }
    if (official) {
      const h = official.generateAuthorizationHeader('POST', text, 'application/json', `x-timestamp:${TS}`, '/calling/v1/callouts', KEY, SECRET)
      if (h !== ours.Authorization) throw new Error('@sinch/sdk-client disagrees')
      variants.sdk_client = () => official.generateAuthorizationHeader('POST', text, 'application/json', `x-timestamp:${TS}`, '/calling/v1/callouts', KEY, SECRET)
    }
    const core = rustCore(n)
    if (core) variants.rust_core = core
    await sideBySide(`node/sign_request/${label}`, variants, 31)
    if (core) core.close()
  }

  const b = body(1024)
  const text = b.toString()
  const nonce = '01FJA8B4A7BM43YGWSG9GBV067'
  const ts = '1705655968'
  const sig = crypto.createHmac('sha256', 'secret').update(`${text}.${nonce}.${ts}`).digest('base64')
  const conv = { 'x-sinch-webhook-signature': sig, 'x-sinch-webhook-signature-nonce': nonce, 'x-sinch-webhook-signature-timestamp': ts }
  sa.verifyConversationWebhook('secret', conv, b, { now: 1705655968 })
  const conv2 = {
    sinch_auth: () => sa.verifyConversationWebhook('secret', conv, b, { now: 1705655968 }),
    node_crypto: () => baseline.verifyConversation('secret', conv, text)
  }
  if (official) {
    if (!official.validateWebhookSignature('secret', conv, text)) throw new Error('sdk-client rejects')
    conv2.sdk_client = () => official.validateWebhookSignature('secret', conv, text)
  }
  await sideBySide('node/verify_conversation/1KiB', conv2)
  const nums = { 'X-Sinch-Signature': crypto.createHmac('sha1', 'secret').update(b).digest('hex') }
  sa.verifyNumbersCallback('secret', nums, b)
  const num2 = {
    sinch_auth: () => sa.verifyNumbersCallback('secret', nums, b),
    node_crypto: () => baseline.verifyNumbers('secret', nums, text)
  }
  if (official) num2.sdk_client = () => official.validateSignatureHeader('secret', nums, text)
  await sideBySide('node/verify_numbers/1KiB', num2)

  const [tokenUrl, projectId, keyId, keySecret] = process.argv.slice(2)
  if (tokenUrl) {
    const p = new sa.TokenProvider(new sa.ProjectCredentials({ projectId, keyId, keySecret }), { tokenUrl })
    await p.token()
    emit('node/cached_token/tokenSync/sinch_auth', perCallNs(() => p.tokenSync()))
    emit('node/cached_token/authorizationSync/sinch_auth', perCallNs(() => p.authorizationSync()))
    // The Promise form, per call, awaited one after another: warmed up first (the first few
    // thousand calls run before the async function is optimised), then the median of 15.
    const n = 20000
    const samples = []
    for (let r = 0; r < 18; r++) {
      const t = process.hrtime.bigint()
      for (let i = 0; i < n; i++) await p.token()
      if (r >= 3) samples.push(Number(process.hrtime.bigint() - t) / n)
    }
    samples.sort((a, b) => a - b)
    emit('node/cached_token/token_await/sinch_auth', samples[7])
  }
}

main().catch((e) => { console.error(e); process.exit(1) })
