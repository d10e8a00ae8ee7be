'use strict'
// withSinchAuth(fetch, { product, provider | credentials }): a fetch that adds the right
// Authorization and retries once after an expired-token 401.

function withSinchAuth (fetchImpl, { product, provider, credentials, basic = false } = {}) {
  const sa = require('./index.js')
  if (typeof fetchImpl !== 'function') throw new TypeError('withSinchAuth needs a fetch function')
  const model = sa.authModel(product)
  let headersFor
  let signsBody = false
  if (provider || credentials instanceof sa.ProjectCredentials) {
    if (model !== 'project') throw new sa.ConfigError(`${product} uses ${model} credentials, not project Access Keys`)
    const p = provider || (basic ? null : new sa.TokenProvider(credentials))
    headersFor = p
      ? async (method, url, body, contentType, signal) => { const t = await p.token({ signal }); return { headers: { Authorization: t.authorization }, token: t, provider: p } }
      : async () => ({ headers: { Authorization: credentials.basicAuthorization() } })
  } else if (credentials instanceof sa.ApplicationCredentials) {
    if (model !== 'application') throw new sa.ConfigError(`${product} uses ${model} credentials, not application keys`)
    signsBody = !basic
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

  // The fetch contract in full: (string | URL | Request, init?). The Request's method, headers,
  // body and signal are kept, init's win where both say something (as in `new Request`).
  return async function sinchFetch (input, init = {}) {
    const request = typeof Request !== 'undefined' && input instanceof Request ? input : null
    const url = new URL(request ? request.url : String(input))
    const method = (init.method || request?.method || 'GET').toUpperCase()
    const headers = new Headers(init.headers ?? request?.headers ?? undefined)
    const signal = init.signal ?? request?.signal ?? undefined
    signal?.throwIfAborted()
    // The body is read once: bytes are sent (and resent on the 401 retry) as they are; a
    // stream is passed through once and its 401 is returned as is.
    let body = null
    let stream = null
    if (init.body !== undefined && init.body !== null) {
      const bytes = await bodyBytes(init.body)
      if (bytes === null) stream = init.body
      else body = bytes
    } else if (request?.body) {
      body = Buffer.from(await request.arrayBuffer())
    }
    if (stream !== null && signsBody) {
      throw new TypeError('withSinchAuth signs exact bytes for this product: pass the body as a string, Buffer, Uint8Array, ArrayBuffer, Blob or URLSearchParams, not a stream')
    }
    if (body !== null && body.length > 0 && !headers.has('content-type')) headers.set('content-type', 'application/json')
    const send = async () => {
      const auth = await headersFor(method, url, body ?? Buffer.alloc(0), headers.get('content-type') || '', signal)
      for (const [k, v] of Object.entries(auth.headers)) headers.set(k, v)
      const options = { ...fromRequest(request), ...init, method, headers, signal }
      if (stream !== null) Object.assign(options, { body: stream, duplex: 'half' })
      else if (body !== null) options.body = body
      else delete options.body
      return { res: await fetchImpl(url, options), auth }
    }
    const { res, auth } = await send()
    if (auth.token && stream === null && sa.isExpiredTokenChallenge(res.status, res.headers)) {
      auth.provider.invalidate(auth.token)
      await res.arrayBuffer().catch(() => {})
      return (await send()).res
    }
    return res
  }
}

/** What a Request says besides its URL, method, headers, body and signal. */
function fromRequest (request) {
  if (request === null) return {}
  const out = {}
  for (const k of ['redirect', 'credentials', 'cache', 'mode', 'referrer', 'referrerPolicy', 'integrity', 'keepalive']) {
    if (request[k] !== undefined) out[k] = request[k]
  }
  return out
}

/** The exact bytes of a body fetch accepts, or null for a stream (sent once, as it is). */
async function bodyBytes (body) {
  if (typeof body === 'string') return Buffer.from(body, 'utf8')
  if (body instanceof URLSearchParams) return Buffer.from(body.toString(), 'utf8')
  if (Buffer.isBuffer(body)) return body
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength)
  if (body instanceof ArrayBuffer) return Buffer.from(body)
  if (typeof Blob !== 'undefined' && body instanceof Blob) return Buffer.from(await body.arrayBuffer())
  if (typeof body.getReader === 'function' || typeof body[Symbol.asyncIterator] === 'function') return null
  throw new TypeError('withSinchAuth: the body must be a string, Buffer, Uint8Array, ArrayBuffer, Blob, URLSearchParams or a stream')
}

module.exports = { withSinchAuth }
