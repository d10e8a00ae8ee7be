'use strict'
// A real local Sinch-compatible server (`sinch-auth serve`) in a child process.
const { spawn, execFileSync } = require('node:child_process')
const path = require('node:path')
const fs = require('node:fs')
const readline = require('node:readline')

const REPO = path.join(__dirname, '..', '..')
const VECTORS = path.join(REPO, 'tests', 'vectors')

function serverBinary () {
  if (process.env.SINCH_AUTH_BIN) return process.env.SINCH_AUTH_BIN
  execFileSync('cargo', ['build', '-q', '-p', 'sinch-auth-cli'], { cwd: REPO, stdio: 'inherit' })
  return path.join(REPO, 'target', 'debug', 'sinch-auth')
}

async function startServer (...args) {
  const proc = spawn(serverBinary(), ['serve', '--exit-on-stdin-close', ...args], { stdio: ['pipe', 'pipe', 'ignore'] })
  const env = {}
  const rl = readline.createInterface({ input: proc.stdout })
  for await (const line of rl) {
    const [k, ...v] = line.replace(/^export /, '').split('=')
    env[k] = v.join('=')
    if (Object.keys(env).length === 12) break
  }
  const url = env.SINCH_API_BASE_URL
  const admin = async (p, body) => {
    const res = await fetch(url + p, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) })
    return res.json()
  }
  return {
    env,
    url,
    tokenUrl: env.SINCH_AUTH_URL,
    numbersUrl: `${url}/v1/projects/${env.SINCH_PROJECT_ID}/activeNumbers`,
    counters: () => admin('/_admin/counters'),
    faults: (...f) => admin('/_admin/faults', { faults: f }),
    configure: (c) => admin('/_admin/config', c),
    expireTokens: () => admin('/_admin/expire-tokens', {}),
    reset: () => admin('/_admin/reset', {}),
    stop: () => new Promise((resolve) => { proc.once('exit', resolve); proc.stdin.end() })
  }
}

function vectors (name) {
  const cases = JSON.parse(fs.readFileSync(path.join(VECTORS, name), 'utf8')).cases
  if (!cases.length) throw new Error(`${name} has no cases`)
  return cases
}

function body (c) {
  return c.body_file ? fs.readFileSync(path.join(VECTORS, c.body_file)) : Buffer.from(c.body, 'utf8')
}

module.exports = { startServer, vectors, body, REPO }
