/**
 * The signed webhook: one JSON POST per delivery to the rule's URL, signed so the receiver can tell
 * it came from Pulse and was not replayed (docs/actions-destinations.md).
 *
 * Headers: `X-Pulse-Delivery` (the delivery id, stable across retries: receivers dedupe by it),
 * `X-Pulse-Timestamp` (Unix seconds when this attempt was signed) and `X-Pulse-Signature`:
 * `v1=` + hex HMAC-SHA256 over `${timestamp}.${body}` with the destination's secret. Signing the
 * timestamp with the body lets a receiver refuse an old request replayed with its old signature.
 *
 * Outcomes: 2xx delivered; 5xx, 408, 429 (after its Retry-After), timeouts and network errors retry;
 * any other 4xx (410 Gone included) and any 3xx (redirects are not followed) failed. Giving up after
 * a day is the sender's decision.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type {
  ActionDelivery,
  AlertDelivery,
  DeliveryContext,
  Destination,
  DeliveryOutcome,
  SystemAlert,
} from './destination';
import { attempt, DELIVERY_TIMEOUT_MS, outcomeOfStatus } from './http';
import { resolveSecret, SecretRef } from './secrets';

/** The signature scheme's version, the prefix of `X-Pulse-Signature`. */
export const SIGNATURE_VERSION = 'v1';
/** How old (or how far ahead) a timestamp a receiver should accept by default: 5 minutes. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

export const WebhookSettings = z
  .object({
    url: z
      .string()
      .url('must be a URL')
      .refine((u) => /^https?:\/\//i.test(u), 'must start with https:// (or http:// for a local receiver)'),
    /** The signing key, at least 16 characters (inline or `{ env: NAME }`). */
    secret: SecretRef.refine((s) => typeof s !== 'string' || s.length >= 16, 'must be at least 16 characters'),
    /** How long one attempt may take (default DELIVERY_TIMEOUT_MS). */
    timeoutMs: z.number().int().min(1_000).max(60_000).optional(),
  })
  .strict();
export type WebhookSettings = z.infer<typeof WebhookSettings>;

/** The JSON body Pulse sends: what fired, for which account, with the day's change. */
export interface WebhookBody {
  deliveryId: string;
  key: string;
  rule: string;
  trigger: string;
  change: ActionDelivery['change'];
}

/** The body of one delivery (the attempt number is left out: a retry sends the same bytes). */
export function webhookBody(d: ActionDelivery): WebhookBody {
  return { deliveryId: d.deliveryId, key: d.key, rule: d.ruleId, trigger: d.trigger, change: d.change };
}

/** The JSON body of a system alert: `type` tells a receiver it is not an account's action. */
export interface WebhookAlertBody {
  type: 'system-alert';
  deliveryId: string;
  key: string;
  alert: SystemAlert;
}

/** The body of one system alert (a retry sends the same bytes). */
export function webhookAlertBody(d: AlertDelivery): WebhookAlertBody {
  return { type: 'system-alert', deliveryId: d.deliveryId, key: d.key, alert: d.alert };
}

/** `v1=<hex HMAC-SHA256 of "${timestamp}.${body}">` with `secret`. */
export function pulseSignature(secret: string, timestamp: string | number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `${SIGNATURE_VERSION}=${mac}`;
}

/**
 * For receivers: whether `signature` (the `X-Pulse-Signature` header) signs `body` (the raw request
 * body, as received) at `timestamp` (the `X-Pulse-Timestamp` header) with `secret`, and the timestamp
 * is within `toleranceSeconds` of `nowSeconds`. Compared in constant time.
 */
export function verifyPulseSignature(
  secret: string,
  timestamp: string,
  body: string,
  signature: string,
  toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
  nowSeconds = Math.floor(Date.now() / 1000),
): boolean {
  if (!/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(nowSeconds - Number(timestamp)) > toleranceSeconds) return false;
  const expected = Buffer.from(pulseSignature(secret, timestamp, body));
  const given = Buffer.from(signature.trim());
  // timingSafeEqual needs equal lengths; a length differing says nothing about the secret.
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** What the webhook destination needs from outside (tests pass their own). */
export interface WebhookDeps {
  fetch?: typeof fetch;
  /** Milliseconds now (the signature's timestamp). */
  now?: () => number;
  env?: NodeJS.ProcessEnv;
}

/** The signed-webhook destination. */
export function webhookDestination(deps: WebhookDeps = {}): Destination<WebhookSettings> {
  /** One signed POST of `body` (already serialized: the signature covers these exact bytes). */
  async function post(
    deliveryId: string,
    body: string,
    settings: WebhookSettings,
    context: DeliveryContext,
  ): Promise<DeliveryOutcome> {
    // The run's clock signs (a test clock in tests), unless the destination was built with its own.
    const now = deps.now ?? (() => context.now().getTime());
    let secret: string;
    try {
      secret = resolveSecret(settings.secret, 'webhook secret', deps.env);
    } catch (e) {
      return { status: 'failed', error: (e as Error).message };
    }
    const timestamp = String(Math.floor(now() / 1000));
    const a = await attempt(
      deps.fetch ?? fetch,
      settings.url,
      {
        method: 'POST',
        // A redirect is not followed: the signed body would go to a host the rule does not name.
        redirect: 'manual',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Pulse-Webhook/1',
          'x-pulse-delivery': deliveryId,
          'x-pulse-timestamp': timestamp,
          'x-pulse-signature': pulseSignature(secret, timestamp, body),
        },
        body,
      },
      settings.timeoutMs ?? DELIVERY_TIMEOUT_MS,
    );
    return outcomeOfStatus(a, `webhook ${new URL(settings.url).host}`, now);
  }

  return {
    kind: 'webhook',
    settings: WebhookSettings,
    recipientOf: (s) => `webhook:${s.url}`,
    deliver: (delivery, settings, context) =>
      post(delivery.deliveryId, JSON.stringify(webhookBody(delivery)), settings, context),
    deliverAlert: (delivery, settings, context) =>
      post(delivery.deliveryId, JSON.stringify(webhookAlertBody(delivery)), settings, context),
  };
}

/** The webhook destination on the real network and clock. */
export const webhook = webhookDestination();
