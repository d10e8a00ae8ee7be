'use strict'
// An Express receiver for Conversation API webhooks, verified on the raw body.
// Needs SINCH_WEBHOOK_SECRET. Run it, then send it a signed test webhook:
//   sinch-auth serve --send-webhook conversation --to http://127.0.0.1:8000/sinch/conversation
const express = require('express')
const sa = require('@sinch-auth/node')

const SECRET = process.env.SINCH_WEBHOOK_SECRET
const app = express()

// express.raw: the bytes as received; never verify a re-serialized req.body.
app.post('/sinch/conversation', express.raw({ type: '*/*' }), (req, res) => {
  try {
    sa.verifyConversationWebhook(SECRET, req.headers, req.body)
  } catch (e) {
    if (e instanceof sa.SignatureError) return res.status(401).json({ error: e.reason })
    throw e
  }
  const event = JSON.parse(req.body.toString('utf8'))
  console.log('verified', Object.keys(event).sort().join(', '))
  res.sendStatus(204)
})

const server = app.listen(Number(process.env.PORT || 8000), '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`)
})
