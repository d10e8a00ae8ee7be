'use strict'
// The package as installed: the loader, the `sinch-auth` bin, the testing helper and the
// examples. Under `make test` these run against the tarballs installed into an empty folder.
const test = require('node:test')
const assert = require('node:assert/strict')
const { execFileSync, spawn, spawnSync } = require('node:child_process')
const net = require('node:net')
const path = require('node:path')
const sa = require('@sinch-auth/node')
const { startLocalServer } = require('@sinch-auth/node/testing')
const { PACKAGE_DIR } = require('./helpers.js')

const CLI = path.join(PACKAGE_DIR, 'cli.js')
const EXAMPLES = path.join(__dirname, '..', '..', 'examples', 'node')
const VERSION = require('@sinch-auth/node/package.json').version

function cli (args, env = process.env) {
  return spawnSync(process.execPath, [CLI, ...args], { env, encoding: 'utf8', timeout: 60000 })
}

test('installed from the tarballs, not the source tree', { skip: !process.env.SINCH_AUTH_EXPECT_INSTALLED }, () => {
  assert.match(PACKAGE_DIR, /node_modules[/\\]@sinch-auth[/\\]node[/\\]node$/)
  const addon = require.resolve('@sinch-auth/node-linux-x64-gnu')
  assert.match(addon, /node_modules[/\\]@sinch-auth[/\\]node-linux-x64-gnu[/\\]sinch-auth\.linux-x64-gnu\.node$/)
  const which = spawnSync('sh', ['-c', 'command -v cargo || command -v rustc'], { encoding: 'utf8' })
  assert.equal(which.stdout, '', 'no Rust toolchain on PATH')
})

test('on a platform with no package, the loader names the platform and the fix', () => {
  const preload = "Object.defineProperty(process, 'arch', { value: 'mips' })"
  const out = spawnSync(process.execPath, ['-e', `${preload}; try { require('@sinch-auth/node') } catch (e) {
    console.log(JSON.stringify({ code: e.code, platform: e.platform, message: e.message })) }`],
  { cwd: __dirname, encoding: 'utf8' })
  const err = JSON.parse(out.stdout)
  assert.equal(err.code, 'SINCH_AUTH_NO_NATIVE_ADDON')
  assert.equal(err.platform, 'linux-mips-gnu')
  assert.match(err.message, /linux-mips-gnu/)
  assert.match(err.message, /npm install @sinch-auth\/node-linux-mips-gnu/)
  assert.match(err.message, /Rust toolchain/)
})

test('the sinch-auth bin: version, help with exit codes, --json, usage errors', () => {
  const version = cli(['--version'])
  assert.equal(version.status, 0)
  assert.equal(version.stdout.trim(), `sinch-auth ${VERSION}`)
  const help = cli(['--help'])
  assert.equal(help.status, 0)
  assert.match(help.stdout, /Exit codes:/)
  assert.equal(JSON.parse(cli(['which', 'numbers', '--json']).stdout).auth_model, 'project')
  assert.equal(cli(['which', 'pager']).status, 2)
  assert.equal(cli(['frobnicate']).status, 2)
  const completions = cli(['completions', 'zsh'])
  assert.equal(completions.status, 0)
  assert.match(completions.stdout, /#compdef sinch-auth/)
})

test('the testing helper: credentials, token provider, faults, counters, stop', async () => {
  const server = await startLocalServer({ tokenLifetime: 60, faults: ['503'] })
  try {
    const provider = server.tokenProvider({ maxRetries: 2 })
    const token = await provider.token()
    assert.ok(token.expiresIn > 0 && token.expiresIn <= 60)
    assert.equal((await server.counters()).token_requests, 2)
    assert.equal(server.applicationCredentials().appKey, server.env.SINCH_APP_KEY)
    assert.equal(server.projectCredentials().projectId, server.env.SINCH_PROJECT_ID)
    const res = await fetch(server.numbersUrl, { headers: { Authorization: token.authorization } })
    assert.equal(res.status, 200)
    const out = cli(['token', '--json'], { ...process.env, ...server.env })
    assert.equal(out.status, 0, out.stderr)
    assert.equal(JSON.parse(out.stdout).token_url, server.tokenUrl)
  } finally {
    await server.stop()
  }
  await assert.rejects(fetch(server.url + '/_admin/counters'), 'stopped')
})

test('example: numbers_fetch.mjs', async () => {
  const server = await startLocalServer()
  try {
    const out = execFileSync(process.execPath, [path.join(EXAMPLES, 'numbers_fetch.mjs')],
      { env: { ...process.env, ...server.env }, encoding: 'utf8' })
    assert.match(out, /3 calls answered 200, 1 token fetched/)
  } finally {
    await server.stop()
  }
})

function freePort () {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })
}

for (const example of ['webhook_express.js', 'webhook_fastify.js', 'webhook_fetch.mjs']) {
  test(`example: ${example} passes the local server's self-test`, async () => {
    const server = await startLocalServer()
    const port = await freePort()
    const env = { ...process.env, ...server.env, PORT: String(port) }
    const app = spawn(process.execPath, [path.join(EXAMPLES, example)], { env, stdio: ['ignore', 'pipe', 'inherit'] })
    try {
      await new Promise((resolve, reject) => {
        app.stdout.on('data', (d) => { if (String(d).includes('listening')) resolve() })
        app.once('exit', () => reject(new Error(`${example} exited`)))
      })
      // Genuine, replayed, tampered, wrongly signed, stale, future, unsigned and
      // previous-secret deliveries from the CLI the package installs, each answer judged.
      for (const [kind, route] of [['conversation', '/sinch/conversation'], ['voice', '/sinch/voice'], ['mailgun', '/mailgun']]) {
        const sent = cli(['serve', '--send-webhook', kind, '--to', `http://127.0.0.1:${port}${route}`, '--sequence', '--rotation'], env)
        assert.equal(sent.status, 0, `${example} ${kind}:\n${sent.stdout}${sent.stderr}`)
        assert.doesNotMatch(sent.stdout, /✗/)
        assert.match(sent.stdout, /previous secret \(rotation\)/)
      }
    } finally {
      app.kill()
      await server.stop()
    }
  })
}

test('the sinch-auth bin runs the proxy: no credentials in, the local server accepts what comes out', async () => {
  const server = await startLocalServer()
  const env = { ...process.env, ...server.env }
  delete env.SINCH_API_BASE_URL
  const proxy = spawn(process.execPath, [CLI, 'proxy', '--port', '0', '--exit-on-stdin-close',
    '--override-host', `numbers.api.sinch.com=${server.url}`], { env, stdio: ['pipe', 'pipe', 'pipe'] })
  let log = ''
  proxy.stderr.on('data', (d) => { log += d })
  try {
    const line = await new Promise((resolve, reject) => {
      let out = ''
      proxy.stdout.on('data', (d) => {
        out += d
        if (out.includes('\n')) resolve(out.split('\n')[0])
      })
      proxy.once('exit', () => reject(new Error(`proxy exited: ${log}`)))
    })
    const port = Number(line.match(/127\.0\.0\.1:(\d+)/)[1])
    const path = new URL(server.numbersUrl).pathname
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`http://127.0.0.1:${port}/numbers.api.sinch.com${path}`,
        { headers: { 'X-Sinch-Proxy': '1' } })
      const body = await res.text()
      assert.equal(res.status, 200, body)
    }
    assert.equal((await server.counters()).token_requests, 1)
    const exited = new Promise((resolve) => proxy.once('exit', resolve))
    proxy.stdin.end()
    assert.equal(await exited, 0)
    assert.match(log, /GET numbers\.api\.sinch\.com \S+ 200 /)
    assert.match(log, /proxy: info token fetched \(key /)
  } finally {
    proxy.kill()
    await server.stop()
  }
})
