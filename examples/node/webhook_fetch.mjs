// A fetch-style receiver ((request: Request) => Promise<Response>, the shape of Next.js route
// handlers, Hono and workers) for Conversation, Voice and Mailgun webhooks, served here by
// node:http through a ten-line adapter. Same environment as webhook_express.js. Run it, then:
//   sinch-auth serve --send-webhook mailgun --to http://127.0.0.1:8000/mailgun --sequence
import http from 'node:http'
import sa from '@sinch-auth/node'

const secrets = (...names) => names.map((n) => process.env[n]).filter(Boolean)
const apps = secrets('SINCH_APP_SECRET', 'SINCH_APP_PREVIOUS_SECRET')
  .map((appSecret) => new sa.ApplicationCredentials({ appKey: process.env.SINCH_APP_KEY, appSecret }))

const routes = {
  '/sinch/conversation': sa.sinchWebhookHandler('conversation', secrets('SINCH_WEBHOOK_SECRET', 'SINCH_WEBHOOK_PREVIOUS_SECRET'),
    async () => new Response(null, { status: 204 })),
  '/sinch/voice': sa.sinchWebhookHandler('voice', apps,
    async () => Response.json({ action: { name: 'hangup' } })),
  '/mailgun': sa.sinchWebhookHandler('mailgun', secrets('MAILGUN_WEBHOOK_SIGNING_KEY', 'MAILGUN_WEBHOOK_PREVIOUS_SIGNING_KEY'),
    async () => new Response(null, { status: 204 }))
}

// The adapter a runtime would provide: node:http request -> Request, Response -> reply.
const server = http.createServer(async (req, res) => {
  const route = routes[req.url.split('?')[0]]
  if (!route) return res.writeHead(404).end()
  const chunks = []
  for await (const c of req) chunks.push(c)
  const request = new Request(`http://${req.headers.host}${req.url}`, { method: req.method, headers: req.headers, body: Buffer.concat(chunks) })
  const response = await route(request)
  res.writeHead(response.status, Object.fromEntries(response.headers))
  res.end(Buffer.from(await response.arrayBuffer()))
})
server.listen(Number(process.env.PORT || 8000), '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`)
})
