// Types for @sinch-auth/node/testing.
import type {
  ApplicationCredentials, MailgunCredentials, ProjectCredentials, ServicePlanCredentials,
  TokenProvider, TokenProviderOptions
} from './index'

export interface LocalServerOptions {
  /** Token lifetime in seconds (default 3600). */
  tokenLifetime?: number
  /** Emulate the auth gateway's token bucket (30 burst, 10/s, 429 without Retry-After). */
  rateLimit?: boolean
  /** Faults queued for the first token requests: '500', '429', 'slow:MS', 'malformed', … */
  faults?: string[]
}

export interface LocalServerCounters {
  [name: string]: number
}

export interface LocalServer {
  readonly env: Readonly<Record<string, string>>
  readonly url: string
  readonly tokenUrl: string
  readonly numbersUrl: string
  readonly webhookSecret: string
  projectCredentials (): ProjectCredentials
  applicationCredentials (): ApplicationCredentials
  servicePlanCredentials (): ServicePlanCredentials
  mailgunCredentials (): MailgunCredentials
  tokenProvider (options?: Omit<TokenProviderOptions, 'tokenUrl'>): TokenProvider
  counters (): Promise<LocalServerCounters>
  faults (...faults: string[]): Promise<unknown>
  configure (config: { token_lifetime_ms?: number, rate_limit?: boolean }): Promise<unknown>
  expireTokens (): Promise<unknown>
  reset (): Promise<unknown>
  stop (): Promise<void>
}

export function startLocalServer (options?: LocalServerOptions): Promise<LocalServer>
