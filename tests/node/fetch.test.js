'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const sa = require('@sinch-auth/node')
const { startServer } = require('./helpers.js')

let server
test.before(async () => { server = await startServer() })
test.after(async () => { await server.stop() })
test.beforeEach(async () => { await server.reset() })

const BODY = '{"method":"ttsCallout","ttsCallout":{"destination":{"type":"number","endpoint":"+12025550123"},"text":"Hi"}}'
const app = () => new sa.ApplicationCredentials({ appKey: server.env.SINCH_APP_KEY, appSecret: server.env.SINCH_APP_SECRET })
const creds = () => new sa.ProjectCredentials({ projectId: server.env.SINCH_PROJECT_ID, keyId: server.env.SINCH_KEY_ID, keySecret: server.env.SINCH_KEY_SECRET })

test('bearer, and one retry after an expired-token 401', async () => {
  const provider = new sa.TokenProvider(creds(), { tokenUrl: server.tokenUrl })
  const f = sa.withSinchAuth(fetch, { product: 'numbers', provider })
  assert.equal((await f(server.numbersUrl)).status, 200)
  await server.expireTokens()
  const res = await f(server.numbersUrl)
  assert.equal(res.status, 200)
  const c = await server.counters()
  assert.equal(c.api_expired, 1)
  assert.equal(c.tokens_issued, 2)
})

test('application signature over the actual body and path', async () => {
  const f = sa.withSinchAuth(fetch, { product: 'voice', credentials: app() })
  for (const body of [BODY, Buffer.from(BODY), new TextEncoder().encode(BODY)]) {
    const res = await f(server.url + '/calling/v1/callouts?x=1', { method: 'POST', body, headers: { 'Content-Type': 'application/json' } })
    assert.equal(res.status, 200, await res.text())
  }
  const res = await f(new URL(server.url + '/verification/v1/verifications'), { method: 'POST', body: BODY })
  assert.equal(res.status, 200)
  assert.equal((await f(server.url + '/calling/v1/calls/id/1')).status, 200)
})

test('service plan and Mailgun', async () => {
  const e = server.env
  const plan = new sa.ServicePlanCredentials({ servicePlanId: e.SINCH_SERVICE_PLAN_ID, apiToken: e.SINCH_SMS_API_TOKEN, region: 'us' })
  const sms = sa.withSinchAuth(fetch, { product: 'sms', credentials: plan })
  assert.equal((await sms(`${server.url}/xms/v1/${plan.servicePlanId}/batches`)).status, 200)
  const mg = new sa.MailgunCredentials({ apiKey: e.MAILGUN_API_KEY, domain: e.MAILGUN_DOMAIN })
  const mail = sa.withSinchAuth(fetch, { product: 'mailgun', credentials: mg })
  assert.equal((await mail(`${server.url}/v3/domains/${mg.domain}`)).status, 200)
  assert.throws(() => sa.withSinchAuth(fetch, { product: 'voice', credentials: creds() }), sa.ConfigError)
})

test('a tampered signed request is rejected with 401', async () => {
  const headers = sa.signRequest(app(), { method: 'POST', path: '/calling/v1/callouts', body: BODY })
  const res = await fetch(server.url + '/calling/v1/callouts', {
    method: 'POST', body: BODY.replace('Hi', 'Ho'), headers: { ...headers, 'Content-Type': 'application/json' }
  })
  assert.equal(res.status, 401)
  assert.match(await res.text(), /Invalid Signature/)
})

// A canary upstream on loopback (a real HTTP server): records each request's body and
// answers the first bearer call with an expired-token 401.
async function canary () {
  const http = require('node:http')
  const seen = []
  const srv = http.createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      seen.push({ method: req.method, body: Buffer.concat(chunks).toString(), auth: req.headers.authorization })
      if (seen.length === 1 && !req.url.includes('no-401')) {
        res.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token", error_description="The access token expired"' })
        return res.end()
      }
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('{}')
    })
  })
  await new Promise((resolve) => srv.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${srv.address().port}`, seen, close: () => new Promise((resolve) => srv.close(resolve)) }
}

test('a Request keeps its method, headers and body, on the first send and the 401 retry', async () => {
  const up = await canary()
  try {
    const provider = new sa.TokenProvider(creds(), { tokenUrl: server.tokenUrl })
    const f = sa.withSinchAuth(fetch, { product: 'numbers', provider })
    const res = await f(new Request(up.url + '/v1/x', { method: 'POST', body: BODY, headers: { 'x-mine': '1' } }))
    assert.equal(res.status, 200)
    assert.deepEqual(up.seen.map((s) => [s.method, s.body]), [['POST', BODY], ['POST', BODY]])
    assert.ok(up.seen.every((s) => s.auth.startsWith('Bearer ')))
  } finally { await up.close() }
})

test('a signed Request: the signature covers the body the server receives', async () => {
  const f = sa.withSinchAuth(fetch, { product: 'voice', credentials: app() })
  const res = await f(new Request(server.url + '/calling/v1/callouts', { method: 'POST', body: BODY, headers: { 'content-type': 'application/json' } }))
  assert.equal(res.status, 200, await res.text())
})

test('a stream body is sent once; its 401 comes back as is', async () => {
  const up = await canary()
  try {
    const provider = new sa.TokenProvider(creds(), { tokenUrl: server.tokenUrl })
    const f = sa.withSinchAuth(fetch, { product: 'numbers', provider })
    const stream = new ReadableStream({ start (c) { c.enqueue(new TextEncoder().encode(BODY)); c.close() } })
    const res = await f(up.url + '/v1/x', { method: 'POST', body: stream, duplex: 'half' })
    assert.equal(res.status, 401)
    assert.deepEqual(up.seen.map((s) => s.body), [BODY])
    // A signed product cannot sign a stream: refused before anything is sent.
    const signed = sa.withSinchAuth(fetch, { product: 'voice', credentials: app() })
    const again = new ReadableStream({ start (c) { c.close() } })
    await assert.rejects(signed(server.url + '/calling/v1/callouts', { method: 'POST', body: again, duplex: 'half' }), /not a stream/)
  } finally { await up.close() }
})

test('an abort before or during the token fetch rejects at once, from init or the Request', async () => {
  await server.faults('slow:1500')
  const provider = new sa.TokenProvider(creds(), { tokenUrl: server.tokenUrl })
  const f = sa.withSinchAuth(fetch, { product: 'numbers', provider })
  await assert.rejects(f(server.numbersUrl, { signal: AbortSignal.abort() }), (e) => e.name === 'AbortError')
  for (const viaRequest of [false, true]) {
    const controller = new AbortController()
    const call = viaRequest
      ? f(new Request(server.numbersUrl, { signal: controller.signal }))
      : f(server.numbersUrl, { signal: controller.signal })
    setTimeout(() => controller.abort(), 100)
    const t = performance.now()
    await assert.rejects(call, (e) => e.name === 'AbortError')
    assert.ok(performance.now() - t < 200, `took ${performance.now() - t} ms`)
  }
})
