'use strict'
// sinch-auth as a good citizen of Node's runtime: waiting callers never hold the libuv pool,
// an AbortSignal ends a wait at once, a rejected key is not asked again in a tight loop, the
// User-Agent names the binding, and a token URL's password never shows.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const dns = require('node:dns')
const crypto = require('node:crypto')
const sa = require('@sinch-auth/node')
const { startServer } = require('./helpers.js')

let server
test.before(async () => { server = await startServer() })
test.after(async () => { await server.stop() })
test.beforeEach(async () => { await server.reset() })

const creds = (secret) => new sa.ProjectCredentials({
  projectId: server.env.SINCH_PROJECT_ID, keyId: server.env.SINCH_KEY_ID, keySecret: secret || server.env.SINCH_KEY_SECRET
})
const provider = (opts = {}) => new sa.TokenProvider(creds(opts.secret), { tokenUrl: server.tokenUrl, ...opts, secret: undefined })

async function timed (fn) {
  const t = performance.now()
  await fn()
  return performance.now() - t
}

test('64 cold callers waiting on a 3 s fetch leave the libuv pool to fs, dns and crypto', async () => {
  await server.faults('slow:3000')
  const p = provider()
  const waiting = Promise.all(Array.from({ length: 64 }, () => p.token()))
  await new Promise((resolve) => setTimeout(resolve, 200)) // the fetch is under way
  const read = await timed(() => fs.promises.readFile(__filename))
  const lookup = await timed(() => dns.promises.lookup('localhost'))
  const pbkdf2 = await timed(() => new Promise((resolve, reject) =>
    crypto.pbkdf2('pw', 'salt', 1, 32, 'sha256', (e) => e ? reject(e) : resolve())))
  const tokens = await waiting
  assert.equal(new Set(tokens.map((t) => t.token)).size, 1)
  assert.equal((await server.counters()).token_requests, 1)
  for (const [what, ms] of [['fs.readFile', read], ['dns.lookup', lookup], ['crypto.pbkdf2', pbkdf2]]) {
    assert.ok(ms < 50, `${what} took ${ms.toFixed(1)} ms while callers waited for a token`)
  }
})

test('an aborted wait rejects at once with the AbortError; the fetch goes on for the others', async () => {
  await server.faults('slow:1500')
  const p = provider()
  const other = p.token()
  const controller = new AbortController()
  const mine = p.token({ signal: controller.signal })
  await new Promise((resolve) => setTimeout(resolve, 100))
  const t = performance.now()
  controller.abort()
  await assert.rejects(mine, (e) => e.name === 'AbortError')
  assert.ok(performance.now() - t < 50)
  const token = await other
  assert.ok(token.token.length > 10)
  assert.equal((await server.counters()).token_requests, 1)
  // Already aborted: rejected before anything is asked; authorization() takes the signal too.
  await assert.rejects(p.authorization({ signal: AbortSignal.abort() }), (e) => e.name === 'AbortError')
  const timeout = AbortSignal.timeout(20)
  p.clear()
  await server.faults('slow:1000')
  await assert.rejects(p.authorization({ signal: timeout }), (e) => e.name === 'TimeoutError')
})

test('a rejected key is answered from memory for a growing pause, not asked in a loop', async () => {
  const p = provider({ secret: 'wrong-secret' })
  const end = Date.now() + 1500
  let calls = 0
  let last
  while (Date.now() < end) {
    last = await p.token().catch((e) => e)
    calls++
  }
  assert.ok(last instanceof sa.CredentialsError, String(last))
  assert.match(last.message, /not asked again before/)
  assert.ok(calls > 100, `calls=${calls}`)
  assert.ok((await server.counters()).token_requests <= 2, JSON.stringify(await server.counters()))
})

test('the User-Agent names sinch-auth, its version and the node binding', async () => {
  await provider().token()
  const res = await fetch(new URL('/_admin/last-token-request', server.tokenUrl))
  const { user_agent: ua } = await res.json()
  assert.equal(ua, `sinch-auth/${require('@sinch-auth/node/package.json').version} (node)`)
})

test('a token URL with a password works and never shows it', async () => {
  const url = server.tokenUrl.replace('http://', 'http://gw-user:PW-s3cret@')
  const p = new sa.TokenProvider(creds(), { tokenUrl: url })
  assert.ok(!p.tokenUrl.includes('PW-s3cret'), p.tokenUrl)
  await p.token()
  const refused = new sa.TokenProvider(creds(), { tokenUrl: 'http://gw-user:PW-s3cret@127.0.0.1:1/oauth2/token', maxRetries: 0 })
  const e = await refused.token().catch((e) => e)
  assert.ok(e instanceof sa.TransportError, String(e))
  assert.ok(!e.message.includes('PW-s3cret'), e.message)
  assert.match(e.message, /127\.0\.0\.1:1 refused the connection/)
})

test('a logger hears every event, and no event holds a secret, a token or a URL', async () => {
  const heard = []
  const logger = {}
  for (const level of ['debug', 'info', 'warn', 'error']) logger[level] = (m) => heard.push([level, m])
  const url = server.tokenUrl.replace('http://', 'http://gw:PW-url@')
  const tokens = []
  await server.faults('503')
  const p = new sa.TokenProvider(creds(), { tokenUrl: url, logger })
  const t = await p.token()
  tokens.push(t.token)
  assert.ok(p.invalidate(t))
  tokens.push((await p.token()).token)
  for (const fault of ['403', '429', 'malformed', 'drop']) {
    await server.faults(fault)
    await new sa.TokenProvider(creds(), { tokenUrl: url, maxRetries: 0, logger }).token().catch(() => {})
  }
  const wrong = new sa.TokenProvider(creds('wrong-SECRET-marker'), { tokenUrl: url, logger })
  await wrong.token().catch(() => {})
  await wrong.token().catch(() => {})
  // A logger that throws, or has no method for a level, changes nothing.
  const rude = new sa.TokenProvider(creds(), { tokenUrl: url, logger: { info () { throw new Error('no') } } })
  await rude.token()
  await new Promise((resolve) => setTimeout(resolve, 50)) // events arrive on the JS thread, later
  const text = heard.map(([, m]) => m)
  for (const expected of ['token request started', 'token fetched', 'retry 1 of', 'HTTP 403', 'invalidated after a 401', 'is not asked again']) {
    assert.ok(text.some((m) => m.includes(expected)), `${expected}: ${JSON.stringify(text, null, 1)}`)
  }
  assert.deepEqual([...new Set(heard.map(([l]) => l))].sort(), ['debug', 'info', 'warn'])
  for (const m of text) {
    for (const secret of [server.env.SINCH_KEY_SECRET, 'wrong-SECRET-marker', 'PW-url', 'Bearer', 'http', ...tokens]) {
      assert.ok(!m.includes(secret), `${m} contains ${secret}`)
    }
  }
  assert.throws(() => new sa.TokenProvider(creds(), { logger: 'console' }), sa.ConfigError)
})

test('a CA bundle that cannot be used is a ConfigError', () => {
  const dir = fs.mkdtempSync(require('node:path').join(require('node:os').tmpdir(), 'sa-ca-'))
  const empty = require('node:path').join(dir, 'empty.pem')
  fs.writeFileSync(empty, 'no certificates\n')
  assert.throws(() => provider({ caBundle: empty }), (e) => e instanceof sa.ConfigError && /holds no PEM certificate/.test(e.message))
  assert.throws(() => provider({ caBundle: empty + '.missing' }), (e) => e instanceof sa.ConfigError && /cannot read the CA bundle/.test(e.message))
  fs.rmSync(dir, { recursive: true })
})

function redisServer () {
  const { spawn, execFileSync } = require('node:child_process')
  const net = require('node:net')
  execFileSync('sh', ['-c', 'command -v redis-server'])
  return new Promise((resolve, reject) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const port = probe.address().port
      probe.close(() => {
        const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
        const deadline = Date.now() + 10000
        const ping = () => {
          const c = net.connect(port, '127.0.0.1', () => c.write('PING\r\n'))
          c.once('data', (d) => { c.destroy(); if (String(d).startsWith('+PONG')) resolve({ url: `redis://127.0.0.1:${port}`, stop: () => proc.kill() }) })
          c.once('error', () => { c.destroy(); if (Date.now() > deadline) reject(new Error('redis-server did not start')); else setTimeout(ping, 20) })
        }
        ping()
      })
    })
  })
}

test('providers share one token through a real Redis; a dead one is a local fetch', async () => {
  const redis = await redisServer()
  try {
    await server.faults('slow:300')
    const providers = Array.from({ length: 8 }, () => provider({ sharedCache: redis.url }))
    const tokens = await Promise.all(providers.map((p) => p.token()))
    assert.equal(new Set(tokens.map((t) => t.token)).size, 1)
    assert.equal((await server.counters()).token_requests, 1)
    const statuses = providers.map((p) => p.sharedCacheStatus())
    assert.ok(statuses.every((s) => s.state === 'available'), JSON.stringify(statuses))
    assert.equal(statuses.reduce((n, s) => n + s.lockWon, 0), 1)
    assert.equal(provider().sharedCacheStatus(), null)
  } finally { redis.stop() }
  const dead = provider({ sharedCache: 'redis://127.0.0.1:1' })
  assert.ok((await dead.token()).token)
  assert.equal(dead.sharedCacheStatus().state, 'unavailable')
  const strict = provider({ sharedCache: 'redis://127.0.0.1:1', sharedCacheStrict: true })
  await assert.rejects(strict.token(), (e) => e instanceof sa.TransportError && /shared cache redis:\/\/127\.0\.0\.1:1/.test(e.message))
})

test('a Mailgun delivery accepted by one guard is replayed on another sharing Redis', async () => {
  const redis = await redisServer()
  try {
    const key = 'signing-key'
    const token = 'delivery-token-1'
    const ts = String(Math.floor(Date.now() / 1000))
    const sig = crypto.createHmac('sha256', key).update(ts + token).digest('hex')
    sa.verifyMailgunWebhook(key, ts, token, sig, { replayGuard: new sa.SharedReplayGuard(redis.url, { window: 60 }) })
    assert.throws(() => sa.verifyMailgunWebhook(key, ts, token, sig, { replayGuard: new sa.SharedReplayGuard(redis.url) }),
      (e) => e instanceof sa.SignatureError && e.reason === 'replayed')
    assert.throws(() => new sa.SharedReplayGuard(redis.url, { onFailure: 'sometimes' }), sa.ConfigError)
  } finally { redis.stop() }
})
