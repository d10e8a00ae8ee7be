'use strict'
// signRequest against signRequestDetails (two native functions, one core signer) on the inputs a
// binding can get wrong: body views, method casing, long and non-ASCII fields, bad arguments.
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

test('common and unusual methods and content types sign like the details say', () => {
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

test('long fields and non-ASCII ones', () => {
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

test('the native function refuses wrong arguments with an error, never a crash', () => {
  const appNative = new native.ApplicationCredentials('k', 'YQ==').external
  const sign = (...args) => { try { return native.signAuthorization(...args) } catch (e) { return e } }
  const empty = Buffer.alloc(0)
  for (const args of [
    [],
    [{}, 'POST', '/p', undefined, TS, empty],
    [new native.ApplicationCredentials('k', 'YQ=='), 'POST', '/p', undefined, TS, empty],
    [new native.MemoryReplayGuard(), 'POST', '/p', undefined, TS, empty],
    [appNative, 'POST', 7, undefined, TS, empty],
    [appNative, 'POST', '/p', undefined, undefined, empty],
    [appNative, 'POST', '/p', undefined, TS, 42],
    [appNative, 'POST', '/p', undefined, TS],
    [appNative, 'POST', '/p', undefined, TS, empty, 'text too']
  ]) {
    assert.ok(sign(...args) instanceof Error, String(args.length))
  }
  assert.match(sign(appNative, 'POST', '/p', undefined, TS, empty), /^Application k:/)
})

test('mixed-case methods and schemes sign the same in signRequest and signRequestDetails', () => {
  for (const [method, scheme] of [['post', 'Application'], ['Post', 'APPLICATION'], ['delete', 'Service']]) {
    const req = { method, path: '/p', body: '{}', timestamp: TS, scheme }
    const headers = sa.signRequest(app, req)
    const details = sa.signRequestDetails(app, req)
    assert.equal(headers.Authorization, details.authorization)
    assert.ok(details.stringToSign.startsWith(method.toUpperCase() + '\n'))
  }
  assert.throws(() => sa.signRequest(app, { method: 'POST', path: '/p', scheme: 'hmac' }), sa.ConfigError)
  assert.equal(sa.DEFAULT_CONTENT_TYPE, sa.signRequestDetails(app, { method: 'GET', path: '/p' }).stringToSign.split('\n')[2])
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
