'use strict'
// What the framework integrations share: the receiver from their arguments, the payload a
// handler gets, the 401 a refusal answers, and the fetch-style handler. Whether a delivery is
// genuine is decided by the core (WebhookReceiver), never here.
const { ConfigError, SignatureError } = require('./errors.js')

function receiverOf (receiver, secrets, options) {
  const { WebhookReceiver } = require('./index.js')
  if (receiver instanceof WebhookReceiver) {
    if (secrets !== undefined || options !== undefined) {
      throw new ConfigError('give a WebhookReceiver, or a product name with secrets, not both')
    }
    return receiver
  }
  if (secrets === undefined) throw new ConfigError(`the ${receiver} receiver needs its secret(s)`)
  return new WebhookReceiver(receiver, secrets, options)
}

/** JSON bodies parsed; form posts (Mailgun) as an object of their fields; else null. */
function payload (contentType, body) {
  const essence = String(contentType || '').split(';')[0].trim().toLowerCase()
  if (essence === 'application/x-www-form-urlencoded') {
    return Object.fromEntries(new URLSearchParams(body.toString('utf8')))
  }
  if (essence.endsWith('json') || (!essence && (body[0] === 0x7b || body[0] === 0x5b))) {
    try {
      return JSON.parse(body.toString('utf8'))
    } catch {
      return null
    }
  }
  return null
}

/** The body of the 401: the reason code and the message (never a secret). */
function refusal (err) {
  return { error: 'invalid_webhook_signature', reason: err.reason, message: err.message }
}

/** Checks `request` (a fetch Request) and gives the webhook, or throws SignatureError. */
async function verifyRequest (receiver, request) {
  const body = Buffer.from(await request.arrayBuffer())
  const path = new URL(request.url).pathname
  const verified = await receiver.verifyAsync(request.method, path, request.headers, body)
  return { body, json: payload(request.headers.get('content-type'), body), verified }
}

/**
 * `(request: Request) => Promise<Response>` for fetch-style runtimes (Next.js route handlers,
 * Hono, workers): verifies, then calls `handler(webhook, request)`; a delivery that is not
 * genuine gets a 401 with the reason code and the handler never runs. When the handler throws
 * or answers 5xx, the replay record is undone so the sender's retry is accepted.
 */
function sinchWebhookHandler (receiver, secrets, options, handler) {
  if (typeof secrets === 'function') [handler, secrets] = [secrets, undefined]
  else if (typeof options === 'function') [handler, options] = [options, undefined]
  if (typeof handler !== 'function') throw new ConfigError('sinchWebhookHandler needs a handler (webhook, request) => Response')
  const r = receiverOf(receiver, secrets, options)
  return async function (request) {
    let webhook
    try {
      webhook = await verifyRequest(r, request)
    } catch (e) {
      if (!(e instanceof SignatureError)) throw e
      return Response.json(refusal(e), { status: 401 })
    }
    let response
    try {
      response = await handler(webhook, request)
    } catch (e) {
      r.forget(webhook.verified)
      throw e
    }
    if (!response || response.status >= 500) r.forget(webhook.verified)
    return response
  }
}

module.exports = { receiverOf, payload, refusal, verifyRequest, sinchWebhookHandler }
