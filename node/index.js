'use strict'
// sinch-auth for Node: the Rust core through napi, with option-object constructors,
// typed errors and redacted printing. No auth logic lives here.
const util = require('node:util')
const native = require('./native.js')
const errors = require('./errors.js')
const { call, fromNative, ConfigError } = errors
const { toBuffer, flattenHeaders, toSeconds, freshness, str } = require('./convert.js')

const NATIVE = new WeakMap()
// Looked up once: reading a property of the addon's exports object is slow.
const signAuthorization = native.signAuthorization
const signAuthorizationFast = native.signAuthorizationFast
const xTimestampNow = native.xTimestampNow
const inspect = util.inspect.custom
// The core's defaults (tolerance, content type, replay guard, token URL): read, never restated.
const DEFAULTS = Object.freeze(native.defaults())

function nativeOf (obj, Cls, what) {
  const n = obj instanceof Cls ? NATIVE.get(obj) : undefined
  if (!n) throw new ConfigError(`expected ${what}`)
  return n
}

function wrap (Cls, nativeObj) {
  const obj = Object.create(Cls.prototype)
  NATIVE.set(obj, nativeObj)
  return obj
}

function describe (name, fields) {
  const body = Object.entries(fields).map(([k, v]) => `${k}: ${v}`).join(', ')
  return `${name} { ${body} }`
}

class ProjectCredentials {
  constructor ({ projectId, keyId, keySecret } = {}) {
    NATIVE.set(this, call(() => new native.ProjectCredentials(
      str('projectId', projectId), str('keyId', keyId), str('keySecret', keySecret))))
  }

  /** SINCH_PROJECT_ID, SINCH_KEY_ID, SINCH_KEY_SECRET. */
  static fromEnv () { return wrap(ProjectCredentials, call(() => native.ProjectCredentials.fromEnv())) }
  get projectId () { return NATIVE.get(this).projectId }
  get keyId () { return NATIVE.get(this).keyId }
  basicAuthorization () { return NATIVE.get(this).basicAuthorization() }
  toJSON () { return { projectId: this.projectId, keyId: this.keyId, keySecret: '[redacted]' } }
  toString () { return describe('ProjectCredentials', { projectId: this.projectId, keyId: this.keyId, keySecret: '[redacted]' }) }
  [inspect] () { return this.toString() }
}

// The native credentials as an External, what signAuthorization takes (cheaper to check than
// a class instance); kept beside the class object for its lifetime.
const EXTERNAL = new WeakMap()

class ApplicationCredentials {
  constructor ({ appKey, appSecret } = {}) {
    const n = call(() => new native.ApplicationCredentials(str('appKey', appKey), str('appSecret', appSecret)))
    NATIVE.set(this, n)
    EXTERNAL.set(this, n.external)
  }

  /** SINCH_APP_KEY, SINCH_APP_SECRET. */
  static fromEnv () {
    const app = wrap(ApplicationCredentials, call(() => native.ApplicationCredentials.fromEnv()))
    EXTERNAL.set(app, NATIVE.get(app).external)
    return app
  }
  get appKey () { return NATIVE.get(this).appKey }
  basicAuthorization () { return NATIVE.get(this).basicAuthorization() }
  toJSON () { return { appKey: this.appKey, appSecret: '[redacted]' } }
  toString () { return describe('ApplicationCredentials', { appKey: this.appKey, appSecret: '[redacted]' }) }
  [inspect] () { return this.toString() }
}

class ServicePlanCredentials {
  constructor ({ servicePlanId, apiToken, region } = {}) {
    NATIVE.set(this, call(() => new native.ServicePlanCredentials(
      str('servicePlanId', servicePlanId), str('apiToken', apiToken), str('region', region))))
  }

  /** SINCH_SERVICE_PLAN_ID, SINCH_SMS_API_TOKEN, SINCH_SMS_REGION. */
  static fromEnv () { return wrap(ServicePlanCredentials, call(() => native.ServicePlanCredentials.fromEnv())) }
  get servicePlanId () { return NATIVE.get(this).servicePlanId }
  get region () { return NATIVE.get(this).region }
  get baseUrl () { return NATIVE.get(this).baseUrl }
  /** `Bearer <api token>`. */
  authorization () { return NATIVE.get(this).authorization() }
  toJSON () { return { servicePlanId: this.servicePlanId, apiToken: '[redacted]', region: this.region } }
  toString () { return describe('ServicePlanCredentials', this.toJSON()) }
  [inspect] () { return this.toString() }
}

class MailgunCredentials {
  constructor ({ apiKey, domain, region = 'us' } = {}) {
    NATIVE.set(this, call(() => new native.MailgunCredentials(str('apiKey', apiKey), str('domain', domain), str('region', region))))
  }

  /** MAILGUN_API_KEY, MAILGUN_DOMAIN, optional MAILGUN_REGION. */
  static fromEnv () { return wrap(MailgunCredentials, call(() => native.MailgunCredentials.fromEnv())) }
  get domain () { return NATIVE.get(this).domain }
  get region () { return NATIVE.get(this).region }
  get baseUrl () { return NATIVE.get(this).baseUrl }
  basicAuthorization () { return NATIVE.get(this).basicAuthorization() }
  toJSON () { return { apiKey: '[redacted]', domain: this.domain, region: this.region } }
  toString () { return describe('MailgunCredentials', this.toJSON()) }
  [inspect] () { return this.toString() }
}

class AccessToken {
  #token
  constructor (info) {
    this.#token = info.token
    this.tokenType = info.tokenType
    this.expiresAt = new Date(info.expiresAt)
    Object.freeze(this)
  }

  /** The raw token. Never log it. */
  get token () { return this.#token }
  /** Seconds left. */
  get expiresIn () { return Math.max(0, (this.expiresAt.getTime() - Date.now()) / 1000) }
  /** `Bearer <token>`. */
  get authorization () { return 'Bearer ' + this.#token }
  #prefix () { return this.#token.slice(0, 6) + '…' }
  toJSON () { return { token: this.#prefix(), tokenType: this.tokenType, expiresAt: this.expiresAt.toISOString() } }
  toString () { return this.#prefix() }
  [inspect] () { return describe('AccessToken', { token: `'${this.#prefix()}'`, tokenType: `'${this.tokenType}'`, expiresIn: Math.round(this.expiresIn) }) }
}

function seconds (name, v) {
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'number') throw new ConfigError(`${name} must be a number of seconds`)
  return v
}

const freshToken = native.freshToken

/** The provider's events, handed to a `logger` shaped like @sinch/sdk-client's (`debug`,
 *  `info`, `warn`, `error`; any may be missing). A logger that throws never breaks auth. */
function toEventListener (logger) {
  if (logger === undefined || logger === null) return undefined
  if (typeof logger !== 'object' && typeof logger !== 'function') {
    throw new ConfigError('logger must be an object with debug/info/warn/error methods (console works)')
  }
  return (level, text) => {
    const method = logger[level]
    if (typeof method !== 'function') return
    try { method.call(logger, text) } catch { /* a logger's failure is not the caller's */ }
  }
}

/** `promise`, or a rejection with the signal's reason (an AbortError by default) as soon as
 *  `signal` aborts, whichever comes first. */
function untilAborted (promise, signal) {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(
      (v) => { signal.removeEventListener('abort', onAbort); resolve(v) },
      (e) => { signal.removeEventListener('abort', onAbort); reject(e) })
  })
}

class TokenProvider {
  #external
  // The fetch every caller waits on while the provider has work to do (null otherwise).
  #inflight = null
  // The AccessToken object last handed out, reused while the Rust provider reports that same
  // token as fresh: the provider is the only cache and decides; this only saves building the
  // object again.
  #last = null

  constructor (credentials, { tokenUrl, timeout, connectTimeout, maxRetries, refreshMargin, backgroundRefresh, caBundle, sharedCache, sharedCacheStrict, logger } = {}) {
    const creds = nativeOf(credentials, ProjectCredentials, 'ProjectCredentials')
    NATIVE.set(this, call(() => new native.TokenProvider(creds, {
      tokenUrl: tokenUrl === undefined || tokenUrl === null ? undefined : str('tokenUrl', tokenUrl),
      timeout: seconds('timeout', timeout),
      connectTimeout: seconds('connectTimeout', connectTimeout),
      maxRetries,
      refreshMargin: seconds('refreshMargin', refreshMargin),
      backgroundRefresh,
      caBundle: caBundle === undefined || caBundle === null ? undefined : str('caBundle', caBundle),
      sharedCache: sharedCache === undefined || sharedCache === null ? undefined : str('sharedCache', sharedCache),
      sharedCacheStrict
    }, toEventListener(logger))))
    this.#external = NATIVE.get(this).external
  }

  // The last AccessToken, when the provider still holds that very token as fresh.
  #reusable () {
    const fresh = freshToken(this.#external)
    return fresh !== undefined && this.#last !== null && this.#last.token === fresh ? this.#last : null
  }

  #wrap (info) {
    const last = this.#last
    if (last !== null && last.token === info.token) return last
    return (this.#last = new AccessToken(info))
  }

  /** A valid token. The Rust provider is the only cache: a fresh cached token comes back at
   *  once. Otherwise one Promise per provider is shared by every waiting caller, so one fetch
   *  holds at most one libuv pool thread however many callers wait (fs, dns.lookup, crypto
   *  and zlib keep their threads). `signal` rejects this caller's wait at once when it
   *  aborts; the shared fetch goes on for the others. */
  async token (options) {
    // No destructuring default: a cached call stays allocation-free.
    const signal = options?.signal
    signal?.throwIfAborted()
    const reused = this.#reusable()
    if (reused !== null) return reused
    let shared = this.#inflight
    if (shared === null) {
      const fetching = (shared = this.#inflight = this.#fetch())
      // Settled: the next caller asks the provider again. (This also handles the rejection
      // when every caller has aborted and nobody else awaits it.)
      fetching.finally(() => { if (this.#inflight === fetching) this.#inflight = null }).catch(() => {})
    }
    return signal ? untilAborted(shared, signal) : shared
  }

  async #fetch () {
    try {
      return this.#wrap(await NATIVE.get(this).token())
    } catch (e) {
      throw fromNative(e)
    }
  }

  tokenSync () {
    const reused = this.#reusable()
    if (reused !== null) return reused
    return this.#wrap(call(() => NATIVE.get(this).tokenSync()))
  }
  async authorization (options) { return (await this.token(options)).authorization }
  authorizationSync () { return this.tokenSync().authorization }

  /** After a 401 for `token`: forget it if it is still the cached one. */
  invalidate (token) {
    const s = token instanceof AccessToken ? token.token : token
    if (typeof s !== 'string') throw new ConfigError('invalidate takes an AccessToken or the token string')
    return NATIVE.get(this).invalidate(s)
  }

  clear () { NATIVE.get(this).clear() }
  /** What the shared cache has done, or null without one. */
  sharedCacheStatus () { return NATIVE.get(this).sharedCacheStatus() ?? null }
  get tokenUrl () { return NATIVE.get(this).tokenUrl }
  stats () { return NATIVE.get(this).stats() }
  toJSON () { return { keyId: NATIVE.get(this).keyId, tokenUrl: this.tokenUrl } }
  toString () { return describe('TokenProvider', this.toJSON()) }
  [inspect] () { return this.toString() }
}

class MemoryReplayGuard {
  constructor ({ capacity, window } = {}) {
    NATIVE.set(this, call(() => new native.MemoryReplayGuard(capacity ?? undefined, window ?? undefined)))
  }

  [inspect] () { return 'MemoryReplayGuard {}' }
}

/** Remembers accepted Mailgun tokens in Redis: a delivery accepted by one instance of a
 *  fleet is refused by every other one. `onFailure`: 'memory' (default) or 'reject'. */
class SharedReplayGuard {
  constructor (url, { window, onFailure } = {}) {
    NATIVE.set(this, call(() => new native.SharedReplayGuard(str('url', url), window ?? undefined, onFailure ?? undefined)))
  }

  [inspect] () { return 'SharedReplayGuard {}' }
}

function authModel (product) { return call(() => native.authModel(str('product', product))) }
function products () { return native.products() }
function productInfo (product) { return JSON.parse(call(() => native.productInfoJson(str('product', product)))) }
function baseUrl (product, region, model) {
  return call(() => native.baseUrl(str('product', product), region ?? undefined, model ?? undefined))
}
function basicAuthorization (user, password) {
  return call(() => native.basicAuthorization(str('user', user), str('password', password)))
}
function isExpiredTokenChallenge (status, headers) {
  return native.isExpiredTokenChallenge(status, flattenHeaders(headers))
}
function diagnose (product, status, headers, body, baseUrl) {
  return call(() => native.diagnose(str('product', product), status, flattenHeaders(headers), toBuffer(body), baseUrl ?? undefined))
}

function appOf (app) { return nativeOf(app, ApplicationCredentials, 'ApplicationCredentials') }

// Type checks only (what a string or Buffer is); every rule about the values is the core's.
function fields (request) {
  if (request === null || typeof request !== 'object') {
    throw new ConfigError('signRequest takes (app, { method, path, body, contentType, timestamp })')
  }
  const { method, path, contentType, timestamp, includeQuery, scheme } = request
  if (typeof method !== 'string' || typeof path !== 'string') throw new ConfigError('method and path must be strings')
  if ((contentType !== undefined && typeof contentType !== 'string') ||
      (timestamp !== undefined && timestamp !== null && typeof timestamp !== 'string') ||
      (scheme !== undefined && typeof scheme !== 'string')) {
    throw new ConfigError('contentType, timestamp and scheme must be strings when given')
  }
  if (includeQuery !== undefined && typeof includeQuery !== 'boolean') throw new ConfigError('includeQuery must be a boolean')
  return request
}

/** The two headers of an application-signed request: { Authorization, 'x-timestamp' }. */
function signRequest (app, request) {
  const a = EXTERNAL.get(app)
  if (a === undefined) throw new ConfigError('expected ApplicationCredentials')
  const { method, path, body, contentType, timestamp, includeQuery, scheme } = fields(request)
  const bytes = body instanceof Uint8Array || typeof body === 'string' ? body : toBuffer(body)
  try {
    const ts = timestamp ?? xTimestampNow()
    // The common call (no includeQuery, no scheme) takes the raw entry point (fast_sign.rs).
    const authorization = includeQuery === undefined && scheme === undefined
      ? (typeof bytes === 'string'
          ? signAuthorizationFast(a, method, path, contentType, ts, undefined, bytes)
          : signAuthorizationFast(a, method, path, contentType, ts, bytes, undefined))
      : (typeof bytes === 'string'
          ? signAuthorization(a, method, path, contentType, ts, undefined, bytes, includeQuery, scheme)
          : signAuthorization(a, method, path, contentType, ts, bytes, undefined, includeQuery, scheme))
    return { Authorization: authorization, 'x-timestamp': ts }
  } catch (e) {
    throw fromNative(e)
  }
}

/** signRequest plus the intermediates (contentMd5, stringToSign), for debugging. */
function signRequestDetails (app, request) {
  const a = appOf(app)
  const { method, path, body, contentType, timestamp, includeQuery, scheme } = fields(request)
  const bytes = toBuffer(body)
  return call(() => native.signRequestDetails(a, method, path, contentType, timestamp ?? undefined, bytes, includeQuery, scheme))
}

function verifyApplicationCallback (app, method, path, headers, body, { now, tolerance } = {}) {
  const a = appOf(app)
  const [t, on] = freshness(tolerance)
  call(() => native.verifyApplicationCallback(a, str('method', method), str('path', path),
    flattenHeaders(headers), toBuffer(body), toSeconds(now), t, on))
}

function verifyConversationWebhook (secret, headers, body, { now, tolerance } = {}) {
  const [t, on] = freshness(tolerance)
  call(() => native.verifyConversationWebhook(str('secret', secret), flattenHeaders(headers),
    toBuffer(body), toSeconds(now), t, on))
}

function verifyNumbersCallback (secret, headers, body) {
  call(() => native.verifyNumbersCallback(str('secret', secret), flattenHeaders(headers), toBuffer(body)))
}

function verifyMailgunWebhook (signingKey, timestamp, token, signature, { now, tolerance, replayGuard } = {}) {
  const ts = typeof timestamp === 'number' ? String(timestamp) : str('timestamp', timestamp)
  const guard = replayGuard === undefined || replayGuard === null
    ? undefined
    : replayGuard instanceof SharedReplayGuard
      ? nativeOf(replayGuard, SharedReplayGuard, 'SharedReplayGuard')
      : nativeOf(replayGuard, MemoryReplayGuard, 'MemoryReplayGuard or SharedReplayGuard')
  const [t, on] = freshness(tolerance)
  call(() => native.verifyMailgunWebhook(str('signingKey', signingKey), ts, str('token', token),
    str('signature', signature), toSeconds(now), t, on, guard))
}

function guardOf (g) {
  return g instanceof SharedReplayGuard
    ? nativeOf(g, SharedReplayGuard, 'SharedReplayGuard')
    : nativeOf(g, MemoryReplayGuard, 'a boolean, MemoryReplayGuard or SharedReplayGuard')
}

/** Checks one product's deliveries against one or more secrets (the current one first). */
class WebhookReceiver {
  constructor (product, secrets, { tolerance, publicPath, stripPrefix, addPrefix, trustForwarded, replayGuard } = {}) {
    const b = call(() => new native.WebhookReceiverBuilder(str('product', product)))
    for (const s of Array.isArray(secrets) ? secrets : [secrets]) {
      if (typeof s === 'string') b.secret(s)
      else if (s instanceof ApplicationCredentials) b.application(NATIVE.get(s))
      else throw new ConfigError('secrets must be a string (or ApplicationCredentials for voice and verification), or an array of them')
    }
    const [t, on] = freshness(tolerance)
    call(() => b.tolerance(t, on))
    if (publicPath !== undefined && (stripPrefix !== undefined || addPrefix !== undefined)) {
      throw new ConfigError('give publicPath (one fixed path) or stripPrefix/addPrefix, not both')
    }
    if (publicPath !== undefined) b.publicPath(str('publicPath', publicPath))
    else if (stripPrefix !== undefined || addPrefix !== undefined) {
      b.prefix(str('stripPrefix', stripPrefix ?? ''), str('addPrefix', addPrefix ?? ''))
    }
    if (trustForwarded !== undefined) b.trustForwarded(trustForwarded === true)
    if (replayGuard !== undefined && replayGuard !== null) {
      b.replayGuard(typeof replayGuard === 'boolean' ? replayGuard : guardOf(replayGuard))
    }
    NATIVE.set(this, call(() => b.build()))
  }

  get product () { return NATIVE.get(this).product }

  /** Checks a delivery: method and path of the request line, headers, raw body. Throws
   *  SignatureError (with .reason) when it is not genuine. */
  verify (method, path, headers, body, { now } = {}) {
    const n = NATIVE.get(this)
    return call(() => n.verify(str('method', method), str('path', path), flattenHeaders(headers), toBuffer(body), toSeconds(now)))
  }

  /** verify on the libuv pool (use it with a SharedReplayGuard: a Redis round trip). */
  async verifyAsync (method, path, headers, body, { now } = {}) {
    const n = NATIVE.get(this)
    const args = [str('method', method), str('path', path), flattenHeaders(headers), toBuffer(body), toSeconds(now)]
    try {
      return await n.verifyAsync(...args)
    } catch (e) {
      throw fromNative(e)
    }
  }

  /** verify's yes/no twin: false for a delivery that is not genuine; bad arguments throw. */
  isValid (method, path, headers, body, options) {
    return twin(() => this.verify(method, path, headers, body, options))
  }

  /** Undoes the replay guard's record of `verified` (the handler failed; a retry will come). */
  forget (verified) {
    if (verified && typeof verified.replayKey === 'string') NATIVE.get(this).forget(verified.replayKey)
  }

  toString () { return `WebhookReceiver { product: ${this.product} }` }
  [inspect] () { return this.toString() }
}

function twin (check) {
  try {
    check()
    return true
  } catch (e) {
    if (e instanceof errors.SignatureError) return false
    throw e
  }
}

const isValidApplicationCallback = (...args) => twin(() => verifyApplicationCallback(...args))
const isValidConversationWebhook = (...args) => twin(() => verifyConversationWebhook(...args))
const isValidNumbersCallback = (...args) => twin(() => verifyNumbersCallback(...args))
const isValidMailgunWebhook = (...args) => twin(() => verifyMailgunWebhook(...args))

function panicForTests () { call(() => native.panicForTests()) }
async function panicForTestsAsync () {
  try {
    await native.panicForTestsAsync()
  } catch (e) {
    throw fromNative(e)
  }
}

// The error classes, without errors.js's two internal helpers: taken out here rather than
// deleted afterwards, since a `delete` leaves the exports object in V8's dictionary mode,
// where every `sa.signRequest(...)` pays a generic property lookup (~60 ns).
const { call: _call, fromNative: _fromNative, ...errorClasses } = errors

module.exports = {
  ...errorClasses,
  DEFAULT_TOLERANCE: DEFAULTS.tolerance,
  DEFAULT_CONTENT_TYPE: DEFAULTS.contentType,
  DEFAULT_TOKEN_URL: DEFAULTS.tokenUrl,
  ProjectCredentials,
  ApplicationCredentials,
  ServicePlanCredentials,
  MailgunCredentials,
  TokenProvider,
  AccessToken,
  MemoryReplayGuard,
  SharedReplayGuard,
  authModel,
  products,
  productInfo,
  baseUrl,
  basicAuthorization,
  isExpiredTokenChallenge,
  diagnose,
  signRequest,
  signRequestDetails,
  verifyApplicationCallback,
  verifyConversationWebhook,
  verifyNumbersCallback,
  verifyMailgunWebhook,
  isValidApplicationCallback,
  isValidConversationWebhook,
  isValidNumbersCallback,
  isValidMailgunWebhook,
  WebhookReceiver,
  sinchWebhookHandler: (...args) => require('./webhooks.js').sinchWebhookHandler(...args),
  _panicForTests: panicForTests,
  _panicForTestsAsync: panicForTestsAsync,
  withSinchAuth: require('./fetch.js').withSinchAuth
}
