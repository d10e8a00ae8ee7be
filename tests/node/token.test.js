'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const util = require('node:util')
const sa = require('@sinch-auth/node')
const { startServer } = require('./helpers.js')

let server
test.before(async () => { server = await startServer() })
test.after(async () => { await server.stop() })
test.beforeEach(async () => { await server.reset() })

const creds = (secret) => new sa.ProjectCredentials({
  projectId: server.env.SINCH_PROJECT_ID, keyId: server.env.SINCH_KEY_ID, keySecret: secret || server.env.SINCH_KEY_SECRET
})
const provider = (opts = {}) => new sa.TokenProvider(creds(), { tokenUrl: server.tokenUrl, ...opts })

test('64 concurrent token() calls make one request', async () => {
  const p = provider()
  const tokens = await Promise.all(Array.from({ length: 64 }, () => p.token()))
  assert.equal(new Set(tokens.map((t) => t.token)).size, 1)
  assert.equal((await server.counters()).token_requests, 1)
  const res = await fetch(server.numbersUrl, { headers: { Authorization: await p.authorization() } })
  assert.equal(res.status, 200)
  assert.equal(p.tokenSync().token, tokens[0].token)
  assert.equal(p.authorizationSync(), 'Bearer ' + tokens[0].token)
})

test('the event loop keeps ticking while a token request waits', async () => {
  await server.faults('slow:1000')
  const p = provider()
  let ticks = 0
  const timer = setInterval(() => { ticks++ }, 5)
  await p.token()
  clearInterval(timer)
  assert.ok(ticks > 50, `ticks=${ticks}`)
})

test('refreshed before expiry: no 401 across several lifetimes', async () => {
  await server.configure({ token_lifetime_ms: 1000 })
  const p = provider()
  const end = Date.now() + 3200
  let calls = 0
  while (Date.now() < end) {
    const res = await fetch(server.numbersUrl, { headers: { Authorization: await p.authorization() } })
    assert.equal(res.status, 200)
    await res.arrayBuffer()
    calls++
  }
  const c = await server.counters()
  assert.equal(c.api_expired, 0)
  assert.ok(c.tokens_issued >= 3 && c.tokens_issued <= 8, JSON.stringify(c))
  assert.ok(calls > 20)
})

const FAILURES = [
  ['503', sa.ServerError, 503],
  ['429', sa.RateLimitedError, 429],
  ['403', sa.ForbiddenError, 403],
  ['malformed', sa.InvalidResponseError, 200],
  ['missing-token', sa.InvalidResponseError, 200],
  ['drop', sa.TransportError, null]
]

for (const [fault, Cls, status] of FAILURES) {
  test(`token endpoint fault ${fault} -> ${Cls.name}`, async () => {
    await server.faults(fault)
    await assert.rejects(provider({ maxRetries: 0 }).token(), (e) => {
      assert.ok(e instanceof Cls && e instanceof sa.SinchAuthError, String(e))
      assert.equal(e.code, 'SINCH_AUTH_' + Cls.defaultKind.toUpperCase())
      assert.equal(e.status, status)
      return true
    })
  })
}

test('wrong secret: CredentialsError, secret never in the message', async () => {
  const p = new sa.TokenProvider(creds('wrong-MARKER-secret'), { tokenUrl: server.tokenUrl })
  await assert.rejects(p.token(), (e) => {
    assert.ok(e instanceof sa.CredentialsError)
    assert.equal(e.status, 401)
    assert.equal(e.oauthError.error, 'invalid_client')
    assert.ok(!e.message.includes('MARKER') && !util.inspect(e).includes('MARKER'))
    return true
  })
  assert.throws(() => p.tokenSync(), sa.CredentialsError)
})

test('slow server: TransportError within the timeout', async () => {
  await server.faults('slow:3000')
  const start = Date.now()
  await assert.rejects(provider({ timeout: 0.3 }).token(), sa.TransportError)
  assert.ok(Date.now() - start < 1500)
})

test('plain http to a remote host is refused', () => {
  assert.throws(() => new sa.TokenProvider(creds(), { tokenUrl: 'http://auth.sinch.com/oauth2/token' }), sa.ConfigError)
})

test('invalidate is compare-and-clear', async () => {
  const p = provider()
  const t1 = await p.token()
  assert.ok(p.invalidate(t1))
  const t2 = await p.token()
  assert.notEqual(t1.token, t2.token)
  assert.ok(!p.invalidate(t1))
  assert.equal((await p.token()).token, t2.token)
  assert.equal(p.stats().requests, 2)
})

test('printing never shows a secret or a whole token', async () => {
  const marker = 'SECRETMARKER123'
  const p = provider()
  const t = await p.token()
  const things = [
    new sa.ProjectCredentials({ projectId: 'p', keyId: 'k', keySecret: marker }),
    new sa.ServicePlanCredentials({ servicePlanId: 'p', apiToken: marker, region: 'us' }),
    new sa.MailgunCredentials({ apiKey: marker, domain: 'd' }),
    new sa.ApplicationCredentials({ appKey: 'k', appSecret: 'U0VDUkVUTUFSS0VSMTIz' }),
    p,
    t
  ]
  for (const x of things) {
    for (const text of [util.inspect(x, { showHidden: true, depth: 5 }), JSON.stringify(x), String(x), `${x}`]) {
      assert.ok(!text.includes(marker) && !text.includes('U0VDUkVU') && !text.includes(t.token), text)
    }
  }
  assert.ok(t.expiresIn > 3500 && t.tokenType === 'bearer' && t.expiresAt instanceof Date)
})

test('a Rust panic is a thrown SinchAuthError or a rejected Promise, not a crash', async () => {
  assert.throws(() => sa._panicForTests(), (e) => e instanceof sa.SinchAuthError && e.kind === 'internal')
  await assert.rejects(sa._panicForTestsAsync(), (e) => e instanceof sa.SinchAuthError && e.kind === 'internal')
})

test('product routing, diagnose, fromEnv', () => {
  assert.equal(sa.authModel('voice'), 'application')
  assert.equal(sa.authModel('lookup'), 'project')
  const info = sa.productInfo('sms')
  assert.deepEqual(info.models.map((m) => m.authModel), ['project', 'service-plan'])
  assert.equal(sa.baseUrl('conversation', 'eu'), 'https://eu.conversation.api.sinch.com')
  assert.throws(() => sa.baseUrl('conversation', 'ap'), (e) => e instanceof sa.ConfigError && /valid regions: us, eu, br/.test(e.message))
  const d = sa.diagnose('numbers', 403, {}, '{}')
  assert.equal(d.kind, 'forbidden')
  assert.ok(sa.isExpiredTokenChallenge(401, new Headers({ 'WWW-Authenticate': 'Bearer error="expired"' })))
  const saved = { ...process.env }
  delete process.env.SINCH_KEY_SECRET
  process.env.SINCH_PROJECT_ID = 'p'
  process.env.SINCH_KEY_ID = 'k'
  assert.throws(() => sa.ProjectCredentials.fromEnv(), (e) => e instanceof sa.ConfigError && e.message.includes('SINCH_KEY_SECRET'))
  process.env = saved
})

const MATRIX = [
  [['500', '502', '503'], sa.ServerError, 5000],
  [['429:retry-after=3600'], sa.RateLimitedError, 500],
  [['reset'], sa.TransportError, 1000],
  [['slow-body:3000'], sa.TransportError, 1500],
  [['empty'], sa.InvalidResponseError, 500],
  [['oversized'], sa.InvalidResponseError, 1000],
  [['expires-in:0'], sa.InvalidResponseError, 500],
  [['token-type:mac'], sa.InvalidResponseError, 500]
]

for (const [faults, Cls, bound] of MATRIX) {
  test(`fault matrix: ${faults.join(',')} -> ${Cls.name} within ${bound} ms`, async () => {
    await server.faults(...faults)
    const start = Date.now()
    await assert.rejects(provider({ maxRetries: 2, timeout: 0.4 }).token(), Cls)
    assert.ok(Date.now() - start < bound, `${Date.now() - start} ms`)
  })
}
