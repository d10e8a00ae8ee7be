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
