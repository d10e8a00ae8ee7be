'use strict'
// A Fastify receiver for Conversation, Voice and Mailgun webhooks: sinchWebhook is a
// preParsing hook (it reads the raw payload, then hands the same bytes to Fastify's parser).
// Same environment as webhook_express.js. Run it, then:
//   sinch-auth serve --send-webhook voice --to http://127.0.0.1:8000/sinch/voice --sequence
const Fastify = require('fastify')
const sa = require('@sinch-auth/node')
const { sinchWebhook } = require('@sinch-auth/node/fastify')

const secrets = (...names) => names.map((n) => process.env[n]).filter(Boolean)
const apps = secrets('SINCH_APP_SECRET', 'SINCH_APP_PREVIOUS_SECRET')
  .map((appSecret) => new sa.ApplicationCredentials({ appKey: process.env.SINCH_APP_KEY, appSecret }))

const app = Fastify()
app.post('/sinch/conversation', { preParsing: sinchWebhook('conversation', secrets('SINCH_WEBHOOK_SECRET', 'SINCH_WEBHOOK_PREVIOUS_SECRET')) },
  async (request, reply) => reply.code(204).send())
app.post('/sinch/voice', { preParsing: sinchWebhook('voice', apps) },
  async () => ({ action: { name: 'hangup' } }))
app.post('/mailgun', { preParsing: sinchWebhook('mailgun', secrets('MAILGUN_WEBHOOK_SIGNING_KEY', 'MAILGUN_WEBHOOK_PREVIOUS_SIGNING_KEY')) },
  async (request, reply) => reply.code(204).send())

app.listen({ port: Number(process.env.PORT || 8000), host: '127.0.0.1' }).then((address) => {
  console.log(`listening on ${address}`)
})
