// Uses the whole public API; `tsc` checks it against node/index.d.ts.
import * as sa from '@sinch-auth/node'
import sinchAuth, { TokenProvider, withSinchAuth } from '@sinch-auth/node'
import { startLocalServer, type LocalServer } from '@sinch-auth/node/testing'

export async function everything (tokenUrl: string): Promise<unknown[]> {
  const model: sa.AuthModel = sa.authModel('voice')
  const names: string[] = sa.products()
  const info: sa.ProductInfo = sa.productInfo('sms')
  const url: string = sa.baseUrl('conversation', 'eu')
  const project = sa.ProjectCredentials.fromEnv()
  const creds = new sa.ProjectCredentials({ projectId: 'p', keyId: 'k', keySecret: 's' })
  const app = new sa.ApplicationCredentials({ appKey: 'k', appSecret: 'YQ==' })
  const plan = new sa.ServicePlanCredentials({ servicePlanId: 'id', apiToken: 't', region: 'us' })
  const mail = new sa.MailgunCredentials({ apiKey: 'k', domain: 'd', region: 'eu' })
  const provider = new TokenProvider(creds, { tokenUrl, timeout: 5, maxRetries: 3 })
  const token: sa.AccessToken = await provider.token()
  const header: string = await provider.authorization()
  const sync: string = provider.authorizationSync()
  const cleared: boolean = provider.invalidate(token) || provider.invalidate(token.token)
  const signed = sa.signRequest(app, { method: 'POST', path: '/calling/v1/callouts', body: Buffer.from('{}') })
  const ts: string = signed['x-timestamp']
  const details = sa.signRequestDetails(app, { method: 'GET', path: '/x', contentType: '' })
  try {
    sa.verifyApplicationCallback(app, 'POST', '/cb', { authorization: 'x' }, '', { now: new Date(), tolerance: null })
    sa.verifyConversationWebhook('s', new Headers(), new Uint8Array(0))
    sa.verifyNumbersCallback('s', [['X-Sinch-Signature', '00']], 'body')
    sa.verifyMailgunWebhook('k', 1, 't', 's', { replayGuard: new sa.MemoryReplayGuard({ capacity: 10 }) })
  } catch (e) {
    if (e instanceof sa.SignatureError) {
      const reason: sa.SignatureReason | null = e.reason
      names.push(reason ?? '', e.code)
    } else if (e instanceof sa.SinchAuthError) {
      names.push(String(e.retryable), String(e.status))
    }
  }
  const d: sa.Diagnosis = sa.diagnose('numbers', 401, {}, null)
  const basic: string = sa.basicAuthorization('u', 'p')
  const expired: boolean = sa.isExpiredTokenChallenge(401, { 'www-authenticate': 'expired' })
  const f = withSinchAuth(fetch, { product: 'numbers', provider })
  const res: Response = await f('https://numbers.api.sinch.com/v1/projects/p/activeNumbers')
  const g = sinchAuth.withSinchAuth(fetch, { product: 'sms', credentials: plan })
  return [model, info, url, project, mail, header, sync, cleared, ts, details.stringToSign, d.fix, basic, expired, res.status, g, sa.DEFAULT_TOLERANCE]
}

export async function withLocalServer (): Promise<number> {
  const server: LocalServer = await startLocalServer({ tokenLifetime: 60, rateLimit: false, faults: ['503'] })
  const provider: sa.TokenProvider = server.tokenProvider({ maxRetries: 2 })
  const app: sa.ApplicationCredentials = server.applicationCredentials()
  await server.configure({ token_lifetime_ms: 1000 })
  const counts = await server.counters()
  await server.stop()
  return (counts.token_requests ?? 0) + provider.stats().fetched + app.appKey.length + server.url.length
}

// Webhook receivers and their integrations.
import { WebhookReceiver as Receiver, sinchWebhookHandler, isValidConversationWebhook, type Verified } from '@sinch-auth/node'
import { sinchWebhook as expressWebhook, keepRawBody } from '@sinch-auth/node/express'
import { sinchWebhook as fastifyWebhook } from '@sinch-auth/node/fastify'
const receiver = new Receiver('conversation', ['new', 'old'], { tolerance: 300, replayGuard: true })
const found: Verified = receiver.verify('POST', '/hook', { a: 'b' }, Buffer.from('{}'))
const index: number = found.secretIndex
void index
const ok: boolean = receiver.isValid('POST', '/hook', {}, '{}') && isValidConversationWebhook('s', {}, '{}')
void ok
const handle: (r: Request) => Promise<Response> = sinchWebhookHandler('voice', [], { addPrefix: '/sinch' }, async (webhook) => Response.json({ n: webhook.verified.secretIndex }))
void handle
void expressWebhook('numbers', 's')
void keepRawBody
void fastifyWebhook(receiver)
