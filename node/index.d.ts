// Hand-checked types for sinch-auth (checked by `tsc` against tests/node/typecheck.ts).
/// <reference types="node" />

export type ErrorKind =
  | 'config' | 'credentials' | 'forbidden' | 'rate_limited' | 'server' | 'transport'
  | 'invalid_response' | 'signature' | 'internal'

export type SignatureReason =
  | 'missing_header' | 'malformed_header' | 'unsupported_scheme' | 'unsupported_algorithm'
  | 'key_mismatch' | 'bad_signature' | 'stale_timestamp' | 'future_timestamp' | 'replayed'

export interface OAuthError {
  error: string | null
  error_description: string | null
  error_hint: string | null
  error_verbose: string | null
}

export class SinchAuthError extends Error {
  static readonly defaultKind: ErrorKind
  readonly kind: ErrorKind
  /** `SINCH_AUTH_` + kind in upper case, e.g. `SINCH_AUTH_RATE_LIMITED`. */
  readonly code: string
  readonly retryable: boolean
  /** The HTTP status, when there was one. */
  readonly status: number | null
  /** Why a signature check failed (signature errors only). */
  readonly reason: SignatureReason | null
  /** The token endpoint's OAuth2 error fields, when it sent any. */
  readonly oauthError: OAuthError | null
}
export class ConfigError extends SinchAuthError {}
export class CredentialsError extends SinchAuthError {}
export class ForbiddenError extends SinchAuthError {}
export class RateLimitedError extends SinchAuthError {}
export class ServerError extends SinchAuthError {}
export class TransportError extends SinchAuthError {}
export class InvalidResponseError extends SinchAuthError {}
export class SignatureError extends SinchAuthError {}

/** The core's defaults: freshness tolerance (seconds), signed Content-Type, token endpoint. */
export const DEFAULT_TOLERANCE: number
export const DEFAULT_CONTENT_TYPE: string
export const DEFAULT_TOKEN_URL: string

export type AuthModel = 'project' | 'application' | 'service-plan' | 'api-key'
export type Body = Buffer | Uint8Array | ArrayBuffer | string
export type HeadersLike =
  | Record<string, string | string[] | number | undefined>
  | Headers
  | Map<string, string>
  | Array<[string, string]>
  | string[]

/** Epoch seconds or a Date. */
export type Now = number | Date | null | undefined

export interface VerifyOptions {
  now?: Now
  /** Seconds either way; `null` turns the freshness check off. Default 300. */
  tolerance?: number | null
}

export class ProjectCredentials {
  constructor(options: { projectId: string; keyId: string; keySecret: string })
  /** SINCH_PROJECT_ID, SINCH_KEY_ID, SINCH_KEY_SECRET. */
  static fromEnv(): ProjectCredentials
  readonly projectId: string
  readonly keyId: string
  basicAuthorization(): string
  toJSON(): { projectId: string; keyId: string; keySecret: '[redacted]' }
}

export class ApplicationCredentials {
  /** `appSecret` is the Base64 secret from the dashboard. */
  constructor(options: { appKey: string; appSecret: string })
  /** SINCH_APP_KEY, SINCH_APP_SECRET. */
  static fromEnv(): ApplicationCredentials
  readonly appKey: string
  basicAuthorization(): string
  toJSON(): { appKey: string; appSecret: '[redacted]' }
}

export class ServicePlanCredentials {
  constructor(options: { servicePlanId: string; apiToken: string; region: string })
  /** SINCH_SERVICE_PLAN_ID, SINCH_SMS_API_TOKEN, SINCH_SMS_REGION. */
  static fromEnv(): ServicePlanCredentials
  readonly servicePlanId: string
  readonly region: string
  readonly baseUrl: string
  /** `Bearer <api token>`. */
  authorization(): string
  toJSON(): { servicePlanId: string; apiToken: '[redacted]'; region: string }
}

export class MailgunCredentials {
  constructor(options: { apiKey: string; domain: string; region?: 'us' | 'eu' | string })
  /** MAILGUN_API_KEY, MAILGUN_DOMAIN, optional MAILGUN_REGION. */
  static fromEnv(): MailgunCredentials
  readonly domain: string
  readonly region: string
  readonly baseUrl: string
  basicAuthorization(): string
  toJSON(): { apiKey: '[redacted]'; domain: string; region: string }
}

export class AccessToken {
  private constructor()
  /** The raw token. Never log it. */
  readonly token: string
  readonly tokenType: string
  readonly expiresAt: Date
  /** Seconds left. */
  readonly expiresIn: number
  /** `Bearer <token>`. */
  readonly authorization: string
  toJSON(): { token: string; tokenType: string; expiresAt: string }
}

export interface TokenProviderOptions {
  /** Default: SINCH_AUTH_URL, else https://auth.sinch.com/oauth2/token. */
  tokenUrl?: string
  /** Seconds, per attempt. */
  timeout?: number
  connectTimeout?: number
  maxRetries?: number
  refreshMargin?: number
  backgroundRefresh?: boolean
  /** A PEM file of CA certificates to trust instead of the bundled web PKI roots (a
   *  TLS-inspecting proxy, a private CA). Default: SINCH_AUTH_CA_BUNDLE, else SSL_CERT_FILE. */
  caBundle?: string
  /** Share tokens with every process using the same key through this Redis
   *  (`redis://[user:password@]host[:port][/db]`, `rediss://`). Default: SINCH_AUTH_SHARED_CACHE. */
  sharedCache?: string
  /** Fail instead of fetching locally when the shared cache is unusable. */
  sharedCacheStrict?: boolean
  /** Receives the provider's events (fetch started/succeeded/failed, retries, refresh
   *  failures, invalidations): fixed text naming the key ID, never a secret or token.
   *  The shape @sinch/sdk-client takes; `console` works. */
  logger?: Logger
}

export interface Logger {
  debug?(message: string): void
  info?(message: string): void
  warn?(message: string): void
  error?(message: string): void
}

export interface SharedCacheStatus {
  /** `available`, `unavailable` (skipped after a failure) or `probing`. */
  state: 'available' | 'unavailable' | 'probing'
  store: string
  lastError?: string
  hits: number
  misses: number
  errors: number
  lockWon: number
  lockWaited: number
  skipped: number
}

export interface TokenStats { requests: number; fetched: number; failures: number }

export class TokenProvider {
  constructor(credentials: ProjectCredentials, options?: TokenProviderOptions)
  /** A valid token; the request runs off the event loop, one for all concurrent callers
   *  (holding at most one libuv pool thread). `signal` rejects this caller's wait with the
   *  signal's reason (an `AbortError`) as soon as it aborts; the fetch goes on for others. */
  token(options?: { signal?: AbortSignal }): Promise<AccessToken>
  tokenSync(): AccessToken
  /** `Bearer <token>`. */
  authorization(options?: { signal?: AbortSignal }): Promise<string>
  authorizationSync(): string
  /** After a 401 for `token`: forget it if it is still the cached one. */
  invalidate(token: AccessToken | string): boolean
  clear(): void
  /** What the shared cache has done, or null without one. */
  sharedCacheStatus(): SharedCacheStatus | null
  readonly tokenUrl: string
  stats(): TokenStats
}

export class MemoryReplayGuard {
  constructor(options?: { capacity?: number; window?: number })
}

/** Remembers accepted Mailgun tokens in Redis, so a delivery accepted by one instance of a
 *  fleet is refused by every other one. */
export class SharedReplayGuard {
  constructor(url: string, options?: { window?: number; onFailure?: 'memory' | 'reject' })
}

export interface EnvVarInfo { name: string; required: boolean; secret: boolean; description: string }
export interface ModelInfo {
  authModel: AuthModel
  credentials: string
  how: string
  envVars: EnvVarInfo[]
  baseUrls: Record<string, string>
}
export interface ProductInfo {
  product: string
  displayName: string
  aliases: string[]
  authModel: AuthModel
  dashboard: string
  defaultRegion: string | null
  gotchas: string[]
  models: ModelInfo[]
}

export interface Diagnosis { kind: ErrorKind; retryable: boolean; cause: string; fix: string }

export function authModel(product: string): AuthModel
export function products(): string[]
export function productInfo(product: string): ProductInfo
export function baseUrl(product: string, region?: string | null, authModel?: AuthModel | null): string
export function basicAuthorization(user: string, password: string): string
export function isExpiredTokenChallenge(status: number, headers: HeadersLike): boolean
export function diagnose(product: string, status: number, headers: HeadersLike, body?: Body | null, baseUrl?: string | null): Diagnosis

export interface SignRequestOptions {
  method: string
  /** The path (a full URL works too); the query is not signed unless `includeQuery`. */
  path: string
  body?: Body | null
  /** Exactly the Content-Type that will be sent; default `application/json`, `''` for none. */
  contentType?: string
  /** The x-timestamp to send; default now. */
  timestamp?: string
  includeQuery?: boolean
  scheme?: 'application' | 'service'
}

export function signRequest(app: ApplicationCredentials, request: SignRequestOptions): { Authorization: string; 'x-timestamp': string }
export function signRequestDetails(app: ApplicationCredentials, request: SignRequestOptions): {
  authorization: string
  xTimestamp: string
  contentMd5: string
  stringToSign: string
}

/** Throws SignatureError (with `reason`) unless the callback is genuine and fresh. */
export function verifyApplicationCallback(app: ApplicationCredentials, method: string, path: string, headers: HeadersLike, body: Body, options?: VerifyOptions): void
export function verifyConversationWebhook(secret: string, headers: HeadersLike, body: Body, options?: VerifyOptions): void
export function verifyNumbersCallback(secret: string, headers: HeadersLike, body: Body): void
export function verifyMailgunWebhook(
  signingKey: string,
  timestamp: string | number,
  token: string,
  signature: string,
  options?: VerifyOptions & { replayGuard?: MemoryReplayGuard | SharedReplayGuard | null }
): void

/** The `isValid*` twins: false where `verify*` throws SignatureError; bad arguments throw. */
export function isValidApplicationCallback(app: ApplicationCredentials, method: string, path: string, headers: HeadersLike, body: Body, options?: VerifyOptions): boolean
export function isValidConversationWebhook(secret: string, headers: HeadersLike, body: Body, options?: VerifyOptions): boolean
export function isValidNumbersCallback(secret: string, headers: HeadersLike, body: Body): boolean
export function isValidMailgunWebhook(
  signingKey: string,
  timestamp: string | number,
  token: string,
  signature: string,
  options?: VerifyOptions & { replayGuard?: MemoryReplayGuard | SharedReplayGuard | null }
): boolean

export type WebhookProduct = 'voice' | 'verification' | 'conversation' | 'sms' | 'numbers' | 'mailgun'

export interface WebhookReceiverOptions {
  /** Seconds either way; `null` turns the freshness check off. Default 300. */
  tolerance?: number | null
  /** The one path Sinch calls, whatever a proxy made of it (voice, verification). */
  publicPath?: string
  /** What a proxy put in front of the path, taken off before checking. */
  stripPrefix?: string
  /** What a proxy took off the path, put back before checking (`/sinch`). */
  addPrefix?: string
  /** Honour Forwarded / X-Forwarded-*: only behind a proxy that sets and overwrites them. */
  trustForwarded?: boolean
  /** Default: an in-memory guard for mailgun, none for the others; `false` turns it off. */
  replayGuard?: boolean | MemoryReplayGuard | SharedReplayGuard | null
}

export interface Verified {
  product: WebhookProduct
  /** Which secret matched (0 is the first given). */
  secretIndex: number
  /** The path the signature covered (voice, verification). */
  signedPath?: string | null
  /** The public URL from trusted proxy headers. */
  publicUrl?: string | null
  /** What the replay guard recorded (for `forget`). */
  replayKey?: string | null
}

export type WebhookSecret = string | ApplicationCredentials

export class WebhookReceiver {
  constructor(product: WebhookProduct, secrets: WebhookSecret | WebhookSecret[], options?: WebhookReceiverOptions)
  readonly product: WebhookProduct
  /** Throws SignatureError (with `reason`) unless the delivery is genuine. */
  verify(method: string, path: string, headers: HeadersLike, body: Body, options?: { now?: Now }): Verified
  /** `verify` on the libuv pool (a Redis replay guard makes a network round trip). */
  verifyAsync(method: string, path: string, headers: HeadersLike, body: Body, options?: { now?: Now }): Promise<Verified>
  isValid(method: string, path: string, headers: HeadersLike, body: Body, options?: { now?: Now }): boolean
  /** Undoes the replay guard's record of `verified` (the handler failed; a retry will come). */
  forget(verified: Verified): void
}

/** A verified delivery: the raw bytes, the parsed payload (JSON, or a form post's fields). */
export interface Webhook {
  body: Buffer
  json: unknown
  verified: Verified
}

export type WebhookHandler = (webhook: Webhook, request: Request) => Response | Promise<Response>

/** `(request) => Promise<Response>` for fetch-style runtimes; 401 with the reason code when
 *  the delivery is not genuine. */
export function sinchWebhookHandler(receiver: WebhookReceiver, handler: WebhookHandler): (request: Request) => Promise<Response>
export function sinchWebhookHandler(product: WebhookProduct, secrets: WebhookSecret | WebhookSecret[], handler: WebhookHandler): (request: Request) => Promise<Response>
export function sinchWebhookHandler(product: WebhookProduct, secrets: WebhookSecret | WebhookSecret[], options: WebhookReceiverOptions, handler: WebhookHandler): (request: Request) => Promise<Response>

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>

export interface SinchAuthFetchOptions {
  product: string
  provider?: TokenProvider
  credentials?: ProjectCredentials | ApplicationCredentials | ServicePlanCredentials | MailgunCredentials
  /** Basic instead of a token (project keys) or a signature (application keys). */
  basic?: boolean
}

/** A fetch that adds the right Authorization and retries once after an expired-token 401. */
export function withSinchAuth(fetch: FetchLike, options: SinchAuthFetchOptions): FetchLike
