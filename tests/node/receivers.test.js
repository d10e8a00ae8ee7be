'use strict'
// WebhookReceiver: the shared vectors (rotation, proxy paths, Mailgun bodies, replays), the
// helpful refusals, and the Express, Fastify and fetch-handler integrations, each a real
// server on loopback reached over HTTP.
const test = require('node:test')
const assert = require('node:assert/strict')
const crypto = require('node:crypto')
const http = require('node:http')
const sa = require('@sinch-auth/node')
const { vectors, body } = require('./helpers.js')

function build (c) {
  const secrets = c.secrets.map((s) => typeof s === 'string'
    ? s
    : new sa.ApplicationCredentials({ appKey: s.app_key, appSecret: s.app_secret }))
  const o = c.options
  const options = {}
  if (o.public_path) {
    if ('fixed' in o.public_path) options.publicPath = o.public_path.fixed
    else Object.assign(options, { stripPrefix: o.public_path.strip, addPrefix: o.public_path.add })
  }
  if ('trust_forwarded' in o) options.trustForwarded = o.trust_forwarded
  if ('replay_guard' in o) options.replayGuard = o.replay_guard
  return new sa.WebhookReceiver(c.product, secrets, options)
}

test('vectors: webhook_receivers.json', () => {
  for (const c of vectors('webhook_receivers.json')) {
    const args = [c.method, c.path, c.headers, body(c), { now: c.now }]
    let v
    try {
      const r = build(c)
      for (let i = 1; i < c.repeat; i++) r.verify(...args)
      v = r.verify(...args)
    } catch (e) {
      assert.ok(e instanceof sa.SinchAuthError, `${c.id}: ${e}`)
      assert.equal(c.expect.valid, false, `${c.id}: ${e.message}`)
      assert.equal(e.kind, c.expect.kind, c.id)
      if (c.expect.reason) assert.equal(e.reason, c.expect.reason, c.id)
      continue
    }
    assert.equal(c.expect.valid, true, c.id)
    assert.equal(v.secretIndex, c.expect.secret_index, c.id)
    assert.equal(v.product, c.product, c.id)
    if ('signed_path' in c.expect) assert.equal(v.signedPath, c.expect.signed_path, c.id)
    if ('public_url' in c.expect) assert.equal(v.publicUrl, c.expect.public_url, c.id)
    if (c.repeat === 1) assert.equal(build(c).isValid(...args), true, c.id)
  }
})

const NEW = 'whsec-new'
const OLD = 'whsec-old'

function conversation (secret, bodyBytes, nonce = 'n1') {
  const ts = String(Math.floor(Date.now() / 1000))
  const sig = crypto.createHmac('sha256', secret).update(Buffer.concat([bodyBytes, Buffer.from(`.${nonce}.${ts}`)])).digest('base64')
  return {
    'content-type': 'application/json',
    'x-sinch-webhook-signature': sig,
    'x-sinch-webhook-signature-nonce': nonce,
    'x-sinch-webhook-signature-timestamp': ts
  }
}

function mailgunForm (key, token) {
  const ts = String(Math.floor(Date.now() / 1000))
  const sig = crypto.createHmac('sha256', key).update(ts + token).digest('hex')
  return Buffer.from(`timestamp=${ts}&token=${token}&signature=${sig}&event=delivered`)
}

test('refusals say what to do; the twins answer yes or no', () => {
  const r = new sa.WebhookReceiver('conversation', [NEW, OLD])
  assert.throws(() => r.verify('POST', '/c', {}, { parsed: 'json' }), (e) =>
    e instanceof sa.ConfigError && /raw bytes/.test(e.message) && /express\.raw/.test(e.message))
  assert.throws(() => r.verify('POST', '/c', { 'x-sinch-webhook-signature': 'x' }, '{}'), (e) =>
    e.reason === 'missing_header' && /x-sinch-webhook-signature-nonce/.test(e.message))
  const stale = conversation(OLD, Buffer.from('{}'))
  assert.throws(() => r.verify('POST', '/c', stale, '{}', { now: Date.now() / 1000 + 3600 }), (e) =>
    e.reason === 'stale_timestamp' && /old/.test(e.message))
  assert.equal(r.isValid('POST', '/c', conversation('other', Buffer.from('{}')), '{}'), false)
  assert.throws(() => new sa.WebhookReceiver('mailgun', '0123456789abcdef0123456789abcdef-0123abcd-4567ef01'),
    (e) => e instanceof sa.ConfigError && /webhook signing key/.test(e.message))
  assert.throws(() => new sa.WebhookReceiver('voice', 'a-string'), /ApplicationCredentials/)
  assert.throws(() => new sa.WebhookReceiver('fax', 's'), /voice, verification/)
  assert.doesNotMatch(require('node:util').inspect(r), /whsec/)
  const h = conversation(NEW, Buffer.from('{}'))
  assert.equal(sa.isValidConversationWebhook(NEW, h, '{}'), true)
  assert.equal(sa.isValidConversationWebhook(OLD, h, '{}'), false)
  assert.throws(() => sa.isValidConversationWebhook(NEW, h, { a: 1 }), sa.ConfigError)
})

function post (url, bodyBytes, headers) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { ...headers, 'content-length': bodyBytes.length } }, (res) => {
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString()
        let json = null
        try { json = JSON.parse(text) } catch {}
        resolve({ status: res.statusCode, json, text })
      })
    })
    req.on('error', reject)
    req.end(bodyBytes)
  })
}

const VOICE_APP = new sa.ApplicationCredentials({ appKey: 'voice-app', appSecret: 'c2VjcmV0LW9mLXRoZS12b2ljZS1hcHA=' })

function listen (server) {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}`)))
}

async function expressSite (seen) {
  const express = require('express')
  const { sinchWebhook, keepRawBody } = require('@sinch-auth/node/express')
  const app = express()
  // Parsers mounted app-wide, as most apps do: keepRawBody keeps the signed bytes.
  app.use(express.json({ verify: keepRawBody }))
  app.use(express.urlencoded({ extended: false, verify: keepRawBody }))
  const handle = (req, res) => {
    seen.calls.push(req.sinchWebhook)
    if (seen.failNext) { seen.failNext = false; return res.status(503).json({ error: 'down' }) }
    res.json({ ok: true, secretIndex: req.sinchWebhook.verified.secretIndex, json: req.body })
  }
  app.post('/conversation', sinchWebhook('conversation', [NEW, OLD]), handle)
  app.post('/mailgun', sinchWebhook('mailgun', 'mg-signing-key'), handle)
  app.post('/voice', sinchWebhook('voice', VOICE_APP, { addPrefix: '/sinch' }), handle)
  // A second app: express.json() without keepRawBody, so the raw bytes are gone.
  const bare = express()
  bare.use(express.json())
  bare.post('/conversation', sinchWebhook('conversation', NEW), handle)
  bare.use((err, req, res, next) => res.status(500).json({ message: err.message, name: err.name }))
  const server = http.createServer(app)
  const bareServer = http.createServer(bare)
  return { url: await listen(server), bareUrl: await listen(bareServer), close: () => { server.close(); bareServer.close() } }
}

async function fastifySite (seen) {
  const Fastify = require('fastify')
  const { sinchWebhook } = require('@sinch-auth/node/fastify')
  const app = Fastify()
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' },
    (req, text, done) => done(null, Object.fromEntries(new URLSearchParams(text))))
  const handle = async (request, reply) => {
    seen.calls.push(request.sinchWebhook)
    if (seen.failNext) { seen.failNext = false; throw new Error('the handler failed') }
    return { ok: true, secretIndex: request.sinchWebhook.verified.secretIndex, json: request.body }
  }
  app.post('/conversation', { preParsing: sinchWebhook('conversation', [NEW, OLD]) }, handle)
  app.post('/mailgun', { preParsing: sinchWebhook('mailgun', 'mg-signing-key') }, handle)
  app.post('/voice', { preParsing: sinchWebhook('voice', VOICE_APP, { addPrefix: '/sinch' }) }, handle)
  await app.listen({ port: 0, host: '127.0.0.1' })
  return { url: `http://127.0.0.1:${app.server.address().port}`, close: () => app.close() }
}

/** A fetch-style handler served by node:http, the way Hono's or Next's Node adapters do. */
async function fetchSite (seen) {
  const handler = (route, receiverArgs) => sa.sinchWebhookHandler(...receiverArgs, async (webhook) => {
    seen.calls.push(webhook)
    if (seen.failNext) { seen.failNext = false; return Response.json({ error: 'down' }, { status: 503 }) }
    return Response.json({ ok: true, secretIndex: webhook.verified.secretIndex, json: webhook.json })
  })
  const routes = {
    '/conversation': handler('/conversation', ['conversation', [NEW, OLD]]),
    '/mailgun': handler('/mailgun', ['mailgun', 'mg-signing-key']),
    '/voice': handler('/voice', ['voice', VOICE_APP, { addPrefix: '/sinch' }])
  }
  const server = http.createServer(async (req, res) => {
    const chunks = []
    for await (const c of req) chunks.push(c)
    const request = new Request(`http://${req.headers.host}${req.url}`, {
      method: req.method, headers: req.headers, body: Buffer.concat(chunks)
    })
    const response = await routes[req.url](request)
    res.writeHead(response.status, Object.fromEntries(response.headers))
    res.end(Buffer.from(await response.arrayBuffer()))
  })
  return { url: await listen(server), close: () => server.close() }
}

for (const [name, make] of Object.entries({ express: expressSite, fastify: fastifySite, fetch: fetchSite })) {
  test(`${name}: rotation, refusals, Mailgun forms and replays, a proxy prefix`, async () => {
    const seen = { calls: [], failNext: false }
    const site = await make(seen)
    try {
      const b = Buffer.from('{"message_delivery_report":{"status":"DELIVERED"}}')
      let r = await post(`${site.url}/conversation`, b, conversation(OLD, b))
      assert.equal(r.status, 200, r.text)
      assert.equal(r.json.secretIndex, 1)
      assert.deepEqual(r.json.json, { message_delivery_report: { status: 'DELIVERED' } })
      assert.deepEqual(seen.calls.at(-1).body, b)
      const calls = seen.calls.length
      r = await post(`${site.url}/conversation`, Buffer.concat([b, Buffer.from(' ')]), conversation(NEW, b))
      assert.equal(r.status, 401)
      assert.equal(r.json.reason, 'bad_signature')
      r = await post(`${site.url}/conversation`, b, { 'content-type': 'application/json' })
      assert.equal(r.status, 401)
      assert.equal(r.json.reason, 'missing_header')
      assert.equal(seen.calls.length, calls)

      const form = mailgunForm('mg-signing-key', 'tok-1')
      const ct = { 'content-type': 'application/x-www-form-urlencoded' }
      seen.failNext = true
      r = await post(`${site.url}/mailgun`, form, ct)
      assert.ok(r.status >= 500, r.text)
      await new Promise((resolve) => setTimeout(resolve, 20))
      r = await post(`${site.url}/mailgun`, form, ct)
      assert.equal(r.status, 200, r.text)
      assert.equal(r.json.json.event, 'delivered')
      r = await post(`${site.url}/mailgun`, form, ct)
      assert.equal(r.status, 401)
      assert.equal(r.json.reason, 'replayed')

      const signed = sa.signRequest(VOICE_APP, { method: 'POST', path: '/sinch/voice', body: b, contentType: 'application/json' })
      r = await post(`${site.url}/voice`, b, { 'content-type': 'application/json', ...signed })
      assert.equal(r.status, 200, r.text)
      assert.equal(seen.calls.at(-1).verified.signedPath, '/sinch/voice')

      if (site.bareUrl) {
        r = await post(`${site.bareUrl}/conversation`, b, conversation(NEW, b))
        assert.equal(r.status, 500)
        assert.match(r.json.message, /keepRawBody/)
        assert.equal(r.json.name, 'ConfigError')
      }
    } finally {
      site.close()
    }
  })
}
