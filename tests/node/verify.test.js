'use strict'
// The verify functions on the inputs a binding can get wrong: long and non-ASCII fields,
// wrong arguments, the default tolerance.
const test = require('node:test')
const assert = require('node:assert/strict')
const crypto = require('node:crypto')
const sa = require('@sinch-auth/node')
const path = require('node:path')
const { PACKAGE_DIR } = require('./helpers.js')
const native = require(path.join(PACKAGE_DIR, 'native.js'))

const NOW = 1705655968

function conversation (secret, body, nonce, ts = String(NOW)) {
  const signature = crypto.createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(Buffer.concat([Buffer.from(body), Buffer.from(`.${nonce}.${ts}`)])).digest('base64')
  return {
    'x-sinch-webhook-signature': signature,
    'x-sinch-webhook-signature-nonce': nonce,
    'x-sinch-webhook-signature-timestamp': ts
  }
}

test('long and non-ASCII secrets, names and values', () => {
  const body = Buffer.from('{"é":"✓"}')
  for (const secret of ['s', 'é'.repeat(300), 'k'.repeat(5000), 'ключ-😀']) {
    for (const nonce of ['01FJA8B4A7BM43YGWSG9GBV067', 'n'.repeat(3000), 'nonce-ü']) {
      const headers = conversation(secret, body, nonce)
      sa.verifyConversationWebhook(secret, headers, body, { now: NOW })
      assert.throws(() => sa.verifyConversationWebhook(secret + 'x', headers, body, { now: NOW }),
        (e) => e.reason === 'bad_signature')
    }
  }
  const longName = { ...conversation('s', body, 'n'), ['x-' + 'a'.repeat(400)]: 'v'.repeat(2000) }
  sa.verifyConversationWebhook('s', longName, body, { now: NOW })
  const numbers = (secret) => ({ 'X-Sinch-Signature': crypto.createHmac('sha1', Buffer.from(secret)).update(body).digest('hex') })
  for (const secret of ['s', 'é'.repeat(300)]) {
    sa.verifyNumbersCallback(secret, numbers(secret), body)
    assert.throws(() => sa.verifyNumbersCallback(secret, numbers(secret + 'x'), body), (e) => e.reason === 'bad_signature')
  }
})

test('application callbacks verify with long paths', () => {
  const app = new sa.ApplicationCredentials({ appKey: 'k', appSecret: 'bXkta2V5LXNlY3JldA==' })
  const ts = new Date(NOW * 1000).toISOString()
  for (const path of ['/callback', '/' + 'p'.repeat(3000), '/ü/callback']) {
    const signed = sa.signRequest(app, { method: 'POST', path, body: '{}', timestamp: ts })
    const headers = { authorization: signed.Authorization, 'x-timestamp': ts, 'content-type': 'application/json' }
    sa.verifyApplicationCallback(app, 'POST', path, headers, '{}', { now: NOW })
    assert.throws(() => sa.verifyApplicationCallback(app, 'POST', path + 'x', headers, '{}', { now: NOW }), sa.SignatureError)
  }
})

test('the native verify functions refuse wrong arguments with an error, never a crash', () => {
  const call = (f, ...args) => { try { f(...args); return null } catch (e) { return e } }
  const empty = Buffer.alloc(0)
  const bad = [
    [native.verifyConversationWebhook],
    [native.verifyConversationWebhook, 1, [], empty, null, null, true],
    [native.verifyConversationWebhook, 's', 'not an array', empty, null, null, true],
    [native.verifyConversationWebhook, 's', ['a', 1], empty, null, null, true],
    [native.verifyConversationWebhook, 's', [], 'not a buffer', null, null, true],
    [native.verifyConversationWebhook, 's', [], empty, 'soon', null, true],
    [native.verifyNumbersCallback, 's', []],
    [native.verifyNumbersCallback, 's', [{}, 'v'], empty],
    [native.verifyApplicationCallback, 0, 'POST', '/p', [], empty, null, null, true],
    [native.verifyApplicationCallback, {}, 7, '/p', [], empty, null, null, true]
  ]
  for (const [f, ...args] of bad) {
    assert.ok(call(f, ...args) instanceof Error, `${f.name} ${args.length}`)
  }
})

test('the default tolerance is the core\'s: a timestamp just inside passes, just outside fails', () => {
  const secret = 'tolerance-secret'
  const body = Buffer.from('{}')
  const at = (age) => conversation(secret, body, 'nonce', String(NOW - age))
  sa.verifyConversationWebhook(secret, at(sa.DEFAULT_TOLERANCE - 1), body, { now: NOW })
  assert.throws(() => sa.verifyConversationWebhook(secret, at(sa.DEFAULT_TOLERANCE + 1), body, { now: NOW }),
    (e) => e.reason === 'stale_timestamp')
})
