// Types of '@sinch-auth/node/express' (checked by `tsc` against tests/node/typecheck.ts).
/// <reference types="node" />
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Webhook, WebhookProduct, WebhookReceiver, WebhookReceiverOptions, WebhookSecret } from './index'

export type Middleware = (req: IncomingMessage & { body?: unknown, sinchWebhook?: Webhook }, res: ServerResponse, next: (err?: unknown) => void) => void

/** Verifies the request; the handler finds `req.sinchWebhook` and a parsed `req.body`. */
export function sinchWebhook(receiver: WebhookReceiver): Middleware
export function sinchWebhook(product: WebhookProduct, secrets: WebhookSecret | WebhookSecret[], options?: WebhookReceiverOptions): Middleware
/** `express.json({ verify: keepRawBody })`: keeps the raw bytes for sinchWebhook. */
export function keepRawBody(req: IncomingMessage, res: ServerResponse, buf: Buffer): void
