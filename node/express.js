'use strict'
// Express (and Connect-style) middleware: `app.post('/hook', sinchWebhook('conversation',
// [newSecret, oldSecret]), handler)`. The raw body is taken from `req.rawBody` (kept by
// `express.json({ verify: keepRawBody })` mounted app-wide), from a Buffer `req.body`
// (`express.raw()`), or read from the request stream when nothing parsed it. A body parsed
// without its raw bytes is refused with the fix. On success the handler finds
// `req.sinchWebhook` ({ body, json, verified }) and `req.body` parsed; a delivery that is not
// genuine gets a 401 with the reason code and the handler never runs. When the handler
// answers 5xx, the replay record is undone so the sender's retry is accepted.
const { receiverOf, payload, refusal } = require('./webhooks.js')
const { ConfigError, SignatureError } = require('./errors.js')

/** The `verify` hook of `express.json()` / `express.urlencoded()`: keeps the raw bytes. */
function keepRawBody (req, _res, buf) {
  req.rawBody = buf
}

function readStream (req) {
  return new Promise((resolve, reject) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

async function rawBodyOf (req) {
  if (Buffer.isBuffer(req.rawBody)) return req.rawBody
  if (Buffer.isBuffer(req.body)) return req.body
  if (typeof req.body === 'string') return Buffer.from(req.body, 'utf8')
  if (!req.readableEnded && !req._body) return readStream(req)
  throw new ConfigError(
    'the request body was parsed before sinchWebhook could read its raw bytes, and a parsed body ' +
    're-serialized never has the signed bytes: mount express.json({ verify: keepRawBody }) ' +
    "(keepRawBody from '@sinch-auth/node/express'), or express.raw({ type: '*/*' }) on this route, " +
    'or put sinchWebhook before any body parser')
}

function sinchWebhook (receiver, secrets, options) {
  const r = receiverOf(receiver, secrets, options)
  return function sinchWebhookMiddleware (req, res, next) {
    (async () => {
      const body = await rawBodyOf(req)
      let verified
      try {
        verified = await r.verifyAsync(req.method, (req.originalUrl || req.url).split('?')[0], req.headers, body)
      } catch (e) {
        if (!(e instanceof SignatureError)) throw e
        res.statusCode = 401
        res.setHeader('Content-Type', 'application/json')
        res.end(JSON.stringify(refusal(e)))
        return
      }
      const json = payload(req.headers['content-type'], body)
      req.sinchWebhook = { body, json, verified }
      if (req.body === undefined || Buffer.isBuffer(req.body) || (req.rawBody && req.body)) {
        req.body = json ?? req.body
      }
      res.on('finish', () => { if (res.statusCode >= 500) r.forget(verified) })
      next()
    })().catch(next)
  }
}

module.exports = { sinchWebhook, keepRawBody }
