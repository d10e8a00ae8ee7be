'use strict'
// withSinchAuth(fetch, { product, provider | credentials }): a fetch that adds the right
// Authorization and retries once after an expired-token 401.

function withSinchAuth (fetchImpl, { product, provider, credentials, basic = false } = {}) {
  const sa = require('./index.js')
  if (typeof fetchImpl !== 'function') throw new TypeError('withSinchAuth needs a fetch function')
  const model = sa.authModel(product)
  let headersFor
  if (provider || credentials instanceof sa.ProjectCredentials) {
    if (model !== 'project') throw new sa.ConfigError(`${product} uses ${model} credentials, not project Access Keys`)
    const p = provider || (basic ? null : new sa.TokenProvider(credentials))
    headersFor = p
      ? async () => { const t = await p.token(); return { headers: { Authorization: t.authorization }, token: t, provider: p } }
      : async () => ({ headers: { Authorization: credentials.basicAuthorization() } })
  } else if (credentials instanceof sa.ApplicationCredentials) {
    if (model !== 'application') throw new sa.ConfigError(`${product} uses ${model} credentials, not application keys`)
    headersFor = async (method, url, body, contentType) => ({
      headers: basic
        ? { Authorization: credentials.basicAuthorization() }
        : sa.signRequest(credentials, { method, path: url.pathname + url.search, body, contentType })
    })
  } else if (credentials instanceof sa.ServicePlanCredentials) {
    if (String(product).toLowerCase() !== 'sms') throw new sa.ConfigError('service-plan credentials are for SMS only')
    headersFor = async () => ({ headers: { Authorization: credentials.authorization() } })
  } else if (credentials instanceof sa.MailgunCredentials) {
    if (model !== 'api-key') throw new sa.ConfigError('Mailgun credentials are for Mailgun only')
    headersFor = async () => ({ headers: { Authorization: credentials.basicAuthorization() } })
  } else {
    throw new sa.ConfigError('withSinchAuth needs { provider } or { credentials }')
  }

  return async function sinchFetch (input, init = {}) {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url)
    const method = (init.method || (input && input.method) || 'GET').toUpperCase()
    const headers = new Headers(init.headers || (input && input.headers) || undefined)
    const body = bodyBytes(init.body)
    if (body.length > 0 && !headers.has('content-type')) headers.set('content-type', 'application/json')
    const send = async () => {
      const auth = await headersFor(method, url, body, headers.get('content-type') || '')
      for (const [k, v] of Object.entries(auth.headers)) headers.set(k, v)
      const res = await fetchImpl(url, { ...init, method, headers, body: body.length ? body : init.body })
      return { res, auth }
    }
    const { res, auth } = await send()
    if (auth.token && sa.isExpiredTokenChallenge(res.status, res.headers)) {
      auth.provider.invalidate(auth.token)
      await res.arrayBuffer().catch(() => {})
      return (await send()).res
    }
    return res
  }
}

function bodyBytes (body) {
  if (body === undefined || body === null) return Buffer.alloc(0)
  if (typeof body === 'string') return Buffer.from(body, 'utf8')
  if (body instanceof URLSearchParams) return Buffer.from(body.toString(), 'utf8')
  if (Buffer.isBuffer(body)) return body
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength)
  if (body instanceof ArrayBuffer) return Buffer.from(body)
  throw new TypeError('withSinchAuth signs exact bytes: pass the body as a string, Buffer, Uint8Array or ArrayBuffer, not a stream')
}

module.exports = { withSinchAuth }
