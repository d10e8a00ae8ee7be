'use strict'
// An Express receiver for Conversation, Voice and Mailgun webhooks, verified on the raw body,
// with express.json() mounted app-wide as most apps do (keepRawBody keeps the signed bytes).
// Reads the secrets (current, and previous while a rotation lasts): SINCH_WEBHOOK_SECRET
// (+ SINCH_WEBHOOK_PREVIOUS_SECRET), SINCH_APP_KEY and SINCH_APP_SECRET (+ SINCH_APP_PREVIOUS_SECRET),
// MAILGUN_WEBHOOK_SIGNING_KEY (+ MAILGUN_WEBHOOK_PREVIOUS_SIGNING_KEY). Run it, then:
//   sinch-auth serve --send-webhook conversation --to http://127.0.0.1:8000/sinch/conversation --sequence
const express = require('express')
const sa = require('@sinch-auth/node')
const { sinchWebhook, keepRawBody } = require('@sinch-auth/node/express')

const secrets = (...names) => names.map((n) => process.env[n]).filter(Boolean)
const apps = secrets('SINCH_APP_SECRET', 'SINCH_APP_PREVIOUS_SECRET')
  .map((appSecret) => new sa.ApplicationCredentials({ appKey: process.env.SINCH_APP_KEY, appSecret }))

const app = express()
app.use(express.json({ verify: keepRawBody }))

app.post('/sinch/conversation', sinchWebhook('conversation', secrets('SINCH_WEBHOOK_SECRET', 'SINCH_WEBHOOK_PREVIOUS_SECRET')), (req, res) => {
  console.log('conversation event, secret', req.sinchWebhook.verified.secretIndex)
  res.sendStatus(204)
})
app.post('/sinch/voice', sinchWebhook('voice', apps), (req, res) => {
  res.json({ action: { name: 'hangup' } })
})
app.post('/mailgun', sinchWebhook('mailgun', secrets('MAILGUN_WEBHOOK_SIGNING_KEY', 'MAILGUN_WEBHOOK_PREVIOUS_SIGNING_KEY')), (req, res) => {
  res.sendStatus(204)
})

const server = app.listen(Number(process.env.PORT || 8000), '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`)
})
