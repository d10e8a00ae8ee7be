'use strict'
// sinch-auth for Node: the Rust core through napi, with option-object constructors,
// typed errors and redacted printing. No auth logic lives here.
const util = require('node:util')
const native = require('./native.js')
const errors = require('./errors.js')
const { call, fromNative, ConfigError } = errors
const { toBuffer, flattenHeaders, toSeconds, toTolerance, str, DEFAULT_TOLERANCE } = require('./convert.js')

const NATIVE = new WeakMap()
// Looked up once: reading a property of the addon's exports object is slow.
const signAuthorization = native.signAuthorization
const inspect = util.inspect.custom

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

// Lets fromEnv() hand a native object to the constructor; not exported, so not forgeable.
const ADOPT = Symbol('adopt')
let handleIn

class ApplicationCredentials {
  // The native object's registry handle: the native functions that sign or verify take it
  // (a number crosses napi far more cheaply than a class instance).
  #handle = 0

  constructor (options = {}, adopted = undefined) {
    const n = options === ADOPT
      ? adopted
      : call(() => new native.ApplicationCredentials(str('appKey', options.appKey), str('appSecret', options.appSecret)))
    NATIVE.set(this, n)
    this.#handle = n.handle
  }

  static {
    handleIn = (app) => (typeof app === 'object' && app !== null && #handle in app) ? app.#handle : 0
  }

  /** SINCH_APP_KEY, SINCH_APP_SECRET. */
  static fromEnv () { return new ApplicationCredentials(ADOPT, call(() => native.ApplicationCredentials.fromEnv())) }
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

class TokenProvider {
  // The last token and until when (performance.now()) it may be handed out without asking
  // the native cache: the Rust provider says how long (its refresh point), so no policy
  // lives here; it only saves the napi round trip on the hot path.
  #cached = null

  constructor (credentials, { tokenUrl, timeout, connectTimeout, maxRetries, refreshMargin, backgroundRefresh } = {}) {
    const creds = nativeOf(credentials, ProjectCredentials, 'ProjectCredentials')
    NATIVE.set(this, call(() => new native.TokenProvider(creds, {
      tokenUrl: tokenUrl === undefined || tokenUrl === null ? undefined : str('tokenUrl', tokenUrl),
      timeout: seconds('timeout', timeout),
      connectTimeout: seconds('connectTimeout', connectTimeout),
      maxRetries,
      refreshMargin: seconds('refreshMargin', refreshMargin),
      backgroundRefresh
    })))
  }

  #remember (info) {
    const token = new AccessToken(info)
    this.#cached = info.freshForMs > 0 ? { token, until: performance.now() + info.freshForMs } : null
    return token
  }

  /** A valid token; the request runs off the event loop, one for all concurrent callers. */
  async token () {
    const c = this.#cached
    if (c !== null && performance.now() < c.until) return c.token
    let info
    try {
      info = await NATIVE.get(this).token()
    } catch (e) {
      throw fromNative(e)
    }
    return this.#remember(info)
  }

  tokenSync () {
    const c = this.#cached
    if (c !== null && performance.now() < c.until) return c.token
    return this.#remember(call(() => NATIVE.get(this).tokenSync()))
  }
  async authorization () { return (await this.token()).authorization }
  authorizationSync () { return this.tokenSync().authorization }

  /** After a 401 for `token`: forget it if it is still the cached one. */
  invalidate (token) {
    const s = token instanceof AccessToken ? token.token : token
    if (typeof s !== 'string') throw new TypeError('invalidate takes an AccessToken or the token string')
    if (this.#cached !== null && this.#cached.token.token === s) this.#cached = null
    return NATIVE.get(this).invalidate(s)
  }

  clear () {
    this.#cached = null
    NATIVE.get(this).clear()
  }
  get tokenUrl () { return NATIVE.get(this).tokenUrl }
  stats () { return NATIVE.get(this).stats() }
  toJSON () { return { keyId: NATIVE.get(this).keyId, tokenUrl: this.tokenUrl } }
  toString () { return describe('TokenProvider', this.toJSON()) }
  [inspect] () { return this.toString() }
}

class MemoryReplayGuard {
  constructor ({ capacity, window } = {}) {
    NATIVE.set(this, new native.MemoryReplayGuard(capacity, window))
  }

  [inspect] () { return 'MemoryReplayGuard {}' }
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

function handleOf (app) {
  const handle = handleIn(app)
  if (handle === 0) throw new ConfigError('expected ApplicationCredentials')
  return handle
}

/** signRequest plus the intermediates (contentMd5, stringToSign), for debugging. */
function signRequestDetails (app, { method, path, body, contentType = 'application/json', timestamp, includeQuery = false, scheme = 'application' } = {}) {
  const a = handleOf(app)
  return call(() => native.signRequest(a, str('method', method), str('path', path), toBuffer(body),
    str('contentType', contentType), timestamp ?? undefined, Boolean(includeQuery), str('scheme', scheme)))
}

// The common methods as codes, so the native side need not read their strings (the same
// table as known_method in bindings/node/src/hot_path.rs); 0 = read the string.
function methodCode (method) {
  return method === 'POST' ? 1 : method === 'GET' ? 2 : method === 'PUT' ? 3 : method === 'DELETE' ? 4 : method === 'PATCH' ? 5 : 0
}

/** The two headers of an application-signed request: { Authorization, 'x-timestamp' }.
 *  Written for speed (it is the hot path): plain type checks, and a numeric handle instead
 *  of the credentials object across napi. */
function signRequest (app, request) {
  const handle = handleOf(app)
  const { method, path, body, contentType = 'application/json', timestamp, includeQuery = false, scheme = 'application' } = request || {}
  // The Node SDK's x-timestamp format: ISO-8601 UTC with milliseconds.
  const ts = timestamp === undefined || timestamp === null ? new Date().toISOString() : timestamp
  if (typeof method !== 'string' || typeof path !== 'string' || typeof contentType !== 'string' || typeof ts !== 'string') {
    throw new ConfigError('method, path, contentType and timestamp must be strings')
  }
  if (scheme !== 'application' && scheme !== 'service') throw new ConfigError("scheme must be 'application' or 'service'")
  const bytes = body instanceof Uint8Array ? body : toBuffer(body)
  const flags = (includeQuery === true ? 1 : 0) | (scheme === 'service' ? 2 : 0) |
    (methodCode(method) << 2) | (contentType === 'application/json' ? 32 : 0)
  let authorization
  try {
    authorization = signAuthorization(handle, method, path, contentType, ts, bytes, flags)
  } catch (e) {
    throw fromNative(e)
  }
  return { Authorization: authorization, 'x-timestamp': ts }
}

function verifyApplicationCallback (app, method, path, headers, body, { now, tolerance } = {}) {
  const a = handleOf(app)
  call(() => native.verifyApplicationCallback(a, str('method', method), str('path', path),
    flattenHeaders(headers), toBuffer(body), toSeconds(now), toTolerance(tolerance)))
}

function verifyConversationWebhook (secret, headers, body, { now, tolerance } = {}) {
  call(() => native.verifyConversationWebhook(str('secret', secret), flattenHeaders(headers),
    toBuffer(body), toSeconds(now), toTolerance(tolerance)))
}

function verifyNumbersCallback (secret, headers, body) {
  call(() => native.verifyNumbersCallback(str('secret', secret), flattenHeaders(headers), toBuffer(body)))
}

function verifyMailgunWebhook (signingKey, timestamp, token, signature, { now, tolerance, replayGuard } = {}) {
  const ts = typeof timestamp === 'number' ? String(timestamp) : str('timestamp', timestamp)
  const guard = replayGuard === undefined || replayGuard === null
    ? undefined
    : nativeOf(replayGuard, MemoryReplayGuard, 'MemoryReplayGuard')
  call(() => native.verifyMailgunWebhook(str('signingKey', signingKey), ts, str('token', token),
    str('signature', signature), toSeconds(now), toTolerance(tolerance), guard))
}

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
  DEFAULT_TOLERANCE,
  ProjectCredentials,
  ApplicationCredentials,
  ServicePlanCredentials,
  MailgunCredentials,
  TokenProvider,
  AccessToken,
  MemoryReplayGuard,
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
  _panicForTests: panicForTests,
  _panicForTestsAsync: panicForTestsAsync,
  withSinchAuth: require('./fetch.js').withSinchAuth
}
