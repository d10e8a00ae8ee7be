'use strict'
// Fastify: `fastify.post('/hook', { preParsing: sinchWebhook('voice', app) }, handler)`.
// The hook reads the raw payload before Fastify's parsers, verifies it, sets
// `request.sinchWebhook` ({ body, json, verified }), and hands the same bytes on to the
// content-type parser, so `request.body` is parsed as usual. A delivery that is not genuine
// gets a 401 with the reason code and the handler never runs. When the handler answers 5xx
// or throws, the replay record is undone so the sender's retry is accepted.
const { Readable } = require('node:stream')
const { receiverOf, payload, refusal } = require('./webhooks.js')
const { SignatureError } = require('./errors.js')

async function readAll (stream) {
  const chunks = []
  for await (const c of stream) chunks.push(c)
  return Buffer.concat(chunks)
}

function sinchWebhook (receiver, secrets, options) {
  const r = receiverOf(receiver, secrets, options)
  return async function sinchWebhookPreParsing (request, reply, stream) {
    const body = await readAll(stream)
    let verified
    try {
      verified = await r.verifyAsync(request.method, request.url.split('?')[0], request.headers, body)
    } catch (e) {
      if (!(e instanceof SignatureError)) throw e
      reply.code(401).type('application/json').send(refusal(e))
      return reply
    }
    request.sinchWebhook = { body, json: payload(request.headers['content-type'], body), verified }
    reply.raw.on('finish', () => { if (reply.raw.statusCode >= 500) r.forget(verified) })
    const again = Readable.from([body])
    again.receivedEncodedLength = body.length
    return again
  }
}

module.exports = { sinchWebhook }
