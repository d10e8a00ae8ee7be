'use strict'
// Node's crypto written the way @sinch/sdk-client does it (authorization.helper.ts).
// A benchmark baseline only: not shipped, not used by the library.
const crypto = require('node:crypto')

function signRequest (key, secret, method, path, body, contentType, timestamp) {
  const md5 = body && body.length ? crypto.createHash('md5').update(body).digest('base64') : ''
  const stringToSign = `${method.toUpperCase()}\n${md5}\n${contentType}\nx-timestamp:${timestamp}\n${path}`
  const signature = crypto.createHmac('sha256', Buffer.from(secret, 'base64')).update(stringToSign).digest('base64')
  return { Authorization: `Application ${key}:${signature}`, 'x-timestamp': timestamp }
}

function verifyConversation (secret, headers, body) {
  const h = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]))
  const signed = `${body}.${h['x-sinch-webhook-signature-nonce']}.${h['x-sinch-webhook-signature-timestamp']}`
  const expected = crypto.createHmac('sha256', secret).update(signed).digest('base64')
  return h['x-sinch-webhook-signature'] === expected
}

function verifyNumbers (secret, headers, body) {
  const h = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]))
  return h['x-sinch-signature'] === crypto.createHmac('sha1', secret).update(body).digest('hex')
}

module.exports = { signRequest, verifyConversation, verifyNumbers }
