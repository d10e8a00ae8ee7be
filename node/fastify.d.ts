// Types of '@sinch-auth/node/fastify' (checked by `tsc` against tests/node/typecheck.ts).
/// <reference types="node" />
import type { Readable } from 'node:stream'
import type { WebhookProduct, WebhookReceiver, WebhookReceiverOptions, WebhookSecret } from './index'

/** A `preParsing` hook: verifies the raw payload, sets `request.sinchWebhook`, hands the same
 *  bytes to the content-type parser. Typed loosely so it fits any Fastify version's hook. */
export type PreParsingHook = (request: any, reply: any, payload: Readable) => Promise<Readable | unknown>

export function sinchWebhook(receiver: WebhookReceiver): PreParsingHook
export function sinchWebhook(product: WebhookProduct, secrets: WebhookSecret | WebhookSecret[], options?: WebhookReceiverOptions): PreParsingHook
