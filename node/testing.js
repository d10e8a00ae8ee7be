'use strict'
// The local Sinch-compatible server for your own tests: `sinch-auth serve` (the Rust server
// the CLI has) in a child process on a free loopback port, with throwaway credentials, driven
// through its admin endpoints.
const { spawn } = require('node:child_process')
const path = require('node:path')
const readline = require('node:readline')
const sa = require('./index.js')

const CLI = path.join(__dirname, 'cli.js')

async function firstLine (proc) {
  const rl = readline.createInterface({ input: proc.stdout })
  try {
    for await (const line of rl) return line
  } finally {
    rl.close()
  }
  return null
}

/**
 * Starts a local server. Options: `tokenLifetime` (seconds, default 3600), `rateLimit` (the
 * auth gateway's bucket: 30 burst, 10/s), `faults` (queued for the first token requests).
 */
async function startLocalServer ({ tokenLifetime = 3600, rateLimit = false, faults = [] } = {}) {
  const args = [CLI, 'serve', '--json', '--exit-on-stdin-close', '--token-lifetime', String(tokenLifetime)]
  if (rateLimit) args.push('--rate-limit')
  for (const f of faults) args.push('--fault', String(f))
  const proc = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] })
  let stderr = ''
  proc.stderr.setEncoding('utf8')
  proc.stderr.on('data', (d) => { if (stderr.length < 4096) stderr += d })
  const exited = new Promise((resolve) => proc.once('exit', resolve))
  const line = await firstLine(proc)
  if (!line) {
    await exited
    throw new Error(`the sinch-auth local server did not start: ${stderr.trim()}`)
  }
  const started = JSON.parse(line)
  const env = started.env
  const url = started.url
  const admin = async (p, body) => {
    const res = await fetch(url + p, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) })
    if (!res.ok) throw new Error(`local server ${p}: ${res.status} ${await res.text()}`)
    return res.json()
  }
  const projectCredentials = () => new sa.ProjectCredentials({
    projectId: env.SINCH_PROJECT_ID, keyId: env.SINCH_KEY_ID, keySecret: env.SINCH_KEY_SECRET
  })
  let stopped = null
  return {
    /** Every variable `sinch-auth serve` exports, pointing each credential set here. */
    env,
    /** The base URL (`http://127.0.0.1:<port>`): every API path lives under it. */
    url,
    /** The OAuth2 token endpoint. */
    tokenUrl: started.token_url,
    /** A bearer-protected endpoint (the Numbers API's active numbers). */
    numbersUrl: `${url}/v1/projects/${env.SINCH_PROJECT_ID}/activeNumbers`,
    /** The secret the server signs Conversation/SMS/Numbers test webhooks with. */
    webhookSecret: env.SINCH_WEBHOOK_SECRET,
    projectCredentials,
    applicationCredentials: () => new sa.ApplicationCredentials({ appKey: env.SINCH_APP_KEY, appSecret: env.SINCH_APP_SECRET }),
    servicePlanCredentials: () => new sa.ServicePlanCredentials({
      servicePlanId: env.SINCH_SERVICE_PLAN_ID, apiToken: env.SINCH_SMS_API_TOKEN, region: env.SINCH_SMS_REGION
    }),
    mailgunCredentials: () => new sa.MailgunCredentials({ apiKey: env.MAILGUN_API_KEY, domain: env.MAILGUN_DOMAIN }),
    /** A TokenProvider for the server's project credentials; `options` as TokenProvider's. */
    tokenProvider: (options = {}) => new sa.TokenProvider(projectCredentials(), { ...options, tokenUrl: started.token_url }),
    counters: () => admin('/_admin/counters'),
    faults: (...f) => admin('/_admin/faults', { faults: f }),
    configure: (c) => admin('/_admin/config', c),
    expireTokens: () => admin('/_admin/expire-tokens', {}),
    reset: () => admin('/_admin/reset', {}),
    /** Stops the server (it also stops by itself when this process exits). */
    stop () {
      if (!stopped) {
        stopped = exited
        proc.stdin.end()
      }
      return stopped.then(() => undefined)
    }
  }
}

module.exports = { startLocalServer }
