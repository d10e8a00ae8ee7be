'use strict'
// One error class per kind, with .code = "SINCH_AUTH_" + KIND, so both `instanceof` and
// `err.code` work. Messages never contain a secret, a token or a request body.

class SinchAuthError extends Error {
  constructor (message, { kind, retryable = false, status = null, reason = null, oauthError = null } = {}) {
    super(message)
    this.name = new.target.name
    this.kind = kind || new.target.defaultKind || 'internal'
    this.code = 'SINCH_AUTH_' + this.kind.toUpperCase()
    this.retryable = retryable
    this.status = status
    this.reason = reason
    this.oauthError = oauthError
  }
}
SinchAuthError.defaultKind = 'internal'

function kindClass (name, kind) {
  const cls = { [name]: class extends SinchAuthError {} }[name]
  cls.defaultKind = kind
  return cls
}

const ConfigError = kindClass('ConfigError', 'config')
const CredentialsError = kindClass('CredentialsError', 'credentials')
const ForbiddenError = kindClass('ForbiddenError', 'forbidden')
const RateLimitedError = kindClass('RateLimitedError', 'rate_limited')
const ServerError = kindClass('ServerError', 'server')
const TransportError = kindClass('TransportError', 'transport')
const InvalidResponseError = kindClass('InvalidResponseError', 'invalid_response')
const SignatureError = kindClass('SignatureError', 'signature')

const BY_KIND = {
  config: ConfigError,
  credentials: CredentialsError,
  forbidden: ForbiddenError,
  rate_limited: RateLimitedError,
  server: ServerError,
  transport: TransportError,
  invalid_response: InvalidResponseError,
  signature: SignatureError
}

const MARK = 'sinch-auth:'

/** A native error (message "sinch-auth:{json}\nmessage") as the right class. */
function fromNative (err) {
  if (!(err instanceof Error) || typeof err.message !== 'string' || !err.message.startsWith(MARK)) {
    return err
  }
  const nl = err.message.indexOf('\n')
  let meta
  try {
    meta = JSON.parse(err.message.slice(MARK.length, nl))
  } catch {
    return err
  }
  const Cls = BY_KIND[meta.kind] || SinchAuthError
  return new Cls(err.message.slice(nl + 1), {
    kind: meta.kind,
    retryable: meta.retryable,
    status: meta.status,
    reason: meta.reason,
    oauthError: meta.oauth || null
  })
}

/** Runs a native call; its errors come out as SinchAuthError subclasses. */
function call (fn) {
  try {
    return fn()
  } catch (e) {
    throw fromNative(e)
  }
}

module.exports = {
  SinchAuthError,
  ConfigError,
  CredentialsError,
  ForbiddenError,
  RateLimitedError,
  ServerError,
  TransportError,
  InvalidResponseError,
  SignatureError,
  fromNative,
  call
}
