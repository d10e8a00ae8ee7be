'use strict'
// The signing hot path (a numeric handle and a plain Node-API callback) against the
// general path (signRequestDetails), on the inputs the fast path treats specially.
const test = require('node:test')
const assert = require('node:assert/strict')
const sa = require('@sinch-auth/node')
const path = require('node:path')
const { PACKAGE_DIR } = require('./helpers.js')
const native = require(path.join(PACKAGE_DIR, 'native.js'))

const app = new sa.ApplicationCredentials({ appKey: 'k', appSecret: 'bXkta2V5LXNlY3JldA==' })
const TS = '2024-01-19T09:19:28.937Z'

function agree (req) {
  const fast = sa.signRequest(app, req).Authorization
  assert.equal(fast, sa.signRequestDetails(app, req).authorization)
  return fast
}

test('a body view with an offset signs its own bytes', () => {
  const whole = Buffer.from('xxxx{"a":1}yyyy')
  const view = new Uint8Array(whole.buffer, whole.byteOffset + 4, 7)
  const copy = Buffer.from('{"a":1}')
  const a = agree({ method: 'POST', path: '/p', body: view, timestamp: TS })
  assert.equal(a, agree({ method: 'POST', path: '/p', body: copy, timestamp: TS }))
  assert.equal(a, agree({ method: 'POST', path: '/p', body: '{"a":1}', timestamp: TS }))
})

test('methods and the content type passed as codes sign like their strings', () => {
  // signRequest passes POST/GET/PUT/DELETE/PATCH and application/json as codes; the general
  // path reads the strings, so a wrong entry in either table gives a different signature.
  const seen = new Set()
  for (const method of ['POST', 'GET', 'PUT', 'DELETE', 'PATCH', 'post', 'Get', 'OPTIONS', 'HEAD']) {
    for (const contentType of ['application/json', 'application/json; charset=utf-8', 'Application/JSON', '']) {
      seen.add(agree({ method, path: '/p', body: '{}', contentType, timestamp: TS }))
    }
    seen.add(agree({ method, path: '/p', body: '{}', timestamp: TS }))
  }
  // Lower-case methods sign as their upper case; every other pair differs.
  assert.equal(seen.size, 7 * 4)
})

test('fields longer than the stack buffer, and non-ASCII ones', () => {
  for (const path of ['/' + 'a'.repeat(5000), '/ünïcødé/😀/' + 'é'.repeat(600), '/calling/v1/callouts?x=1']) {
    for (const includeQuery of [false, true]) {
      agree({ method: 'post', path, body: 'b', contentType: 'application/json; charset=utf-8', timestamp: TS, includeQuery })
    }
  }
  // Multi-byte characters across the end of the stack buffer, at every alignment: Node stops
  // before a character that does not fit, which must not pass for the end of the string.
  for (let k = 0; k < 4; k++) {
    for (const wide of ['é', '✓', '😀']) {
      const path = '/' + 'a'.repeat(k) + wide.repeat(1100)
      const fast = agree({ method: 'POST', path, body: 'b', timestamp: TS })
      assert.notEqual(fast, agree({ method: 'POST', path: path.slice(0, -wide.length), body: 'b', timestamp: TS }))
    }
  }
  agree({ method: 'PUT', path: '/p', body: '', contentType: 'x'.repeat(3000), timestamp: 'T'.repeat(2000) })
  agree({ method: 'GET', path: '/p', scheme: 'service', timestamp: TS })
  const unusual = new sa.ApplicationCredentials({ appKey: 'clé-ключ', appSecret: 'YQ==' })
  const req = { method: 'POST', path: '/p', body: 'x', timestamp: TS }
  const fast = sa.signRequest(unusual, req).Authorization
  assert.equal(fast, sa.signRequestDetails(unusual, req).authorization)
  assert.ok(fast.startsWith('Application clé-ключ:'), fast)
})

test('bad fields are config errors, never a crash', () => {
  for (const req of [
    { method: 'PO ST', path: '/p', timestamp: TS },
    { method: 'POST', path: 'no-slash', timestamp: TS },
    { method: 'POST', path: '/p\nq', timestamp: TS },
    { method: 'POST', path: '/p', timestamp: '' },
    { method: 'POST', path: '/p', timestamp: 't\r\nx: y' },
    { method: 'POST', path: '/p', contentType: 'a\u0085b', timestamp: TS },
    { method: 42, path: '/p', timestamp: TS }
  ]) {
    assert.throws(() => sa.signRequest(app, req), sa.ConfigError, JSON.stringify(req))
  }
  assert.throws(() => sa.signRequest({ appKey: 'k' }, { method: 'POST', path: '/p' }), sa.ConfigError)
  assert.throws(() => sa.signRequest(null, { method: 'POST', path: '/p' }), sa.ConfigError)
})

test('the native entry point rejects stale handles and wrong arguments', () => {
  const sign = (...args) => { try { return native.signAuthorization(...args) } catch (e) { return e } }
  const bad = [
    [0, 'POST', '/p', '', TS, Buffer.alloc(0), 0],
    [0xffffffff, 'POST', '/p', '', TS, Buffer.alloc(0), 0],
    ['1', 'POST', '/p', '', TS, Buffer.alloc(0), 0],
    [1, 'POST', 7, '', TS, Buffer.alloc(0), 0],
    [1, 'POST', '/p', '', TS, 'not a buffer', 0],
    [1, 'POST', '/p', '', TS, Buffer.alloc(0)]
  ]
  for (const args of bad) {
    const e = sign(...args)
    assert.ok(e instanceof Error, String(args))
    assert.ok(e.message.startsWith('sinch-auth:{"kind":"config"'), e.message)
  }
})

test('credentials from the environment sign like constructed ones', () => {
  const saved = { ...process.env }
  try {
    process.env.SINCH_APP_KEY = 'k'
    process.env.SINCH_APP_SECRET = 'bXkta2V5LXNlY3JldA=='
    const fromEnv = sa.ApplicationCredentials.fromEnv()
    const req = { method: 'POST', path: '/p', body: 'x', timestamp: TS }
    assert.deepEqual(sa.signRequest(fromEnv, req), sa.signRequest(app, req))
  } finally {
    process.env = saved
  }
})

test('a collected credentials object gives its handle back, and only then', async () => {
  require('node:v8').setFlagsFromString('--expose-gc')
  const gc = require('node:vm').runInNewContext('gc')
  const sign = (handle) => native.signAuthorization(handle, 'POST', '/p', '', TS, Buffer.alloc(0), 0)
  let doomed = new native.ApplicationCredentials('gone', 'YQ==')
  const stale = doomed.handle
  assert.match(sign(stale), /^Application gone:/)
  doomed = null
  for (let i = 0; i < 5; i++) {
    gc()
    await new Promise((resolve) => setImmediate(resolve))
  }
  assert.throws(() => sign(stale), /no longer available/)
  const next = new native.ApplicationCredentials('next', 'YQ==')
  assert.ok(next.handle <= stale, 'a freed slot is reused')
  assert.match(sign(next.handle), /^Application next:/)
})

test('the exports object stays in V8 fast mode (property reads on it are inlined)', () => {
  // A `delete` on module.exports once left it in dictionary mode: every sa.signRequest(...)
  // then paid a generic lookup. Checked in a child with the natives syntax enabled.
  const { execFileSync } = require('node:child_process')
  const index = require.resolve('@sinch-auth/node')
  const out = execFileSync(process.execPath, ['--allow-natives-syntax', '-e',
    `const sa = require(${JSON.stringify(index)}); process.stdout.write(String(%HasFastProperties(sa)))`])
  assert.equal(out.toString(), 'true')
  assert.equal('call' in sa, false)
  assert.equal('fromNative' in sa, false)
  assert.equal(typeof sa.withSinchAuth, 'function')
})
