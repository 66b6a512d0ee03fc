/**
 * Slack: one Block Kit message per delivery (./slackMessage.ts), either to a channel's incoming
 * webhook, or as a direct message to the account owner from a bot, found by the owner's email
 * (users.lookupByEmail) and falling back to a channel when Slack knows no such user.
 *
 * Outcomes. Incoming webhooks answer plain text
 * (https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks): 200 `ok` delivered;
 * 4xx (`invalid_payload`, `no_service`, `channel_is_archived`, `action_prohibited` …) failed. The Web
 * API answers HTTP 200 `{ok: false, error}` (https://docs.slack.dev/apis/web-api/): `ratelimited`,
 * `internal_error`, `fatal_error`, `service_unavailable`, `request_timeout` retry; the rest
 * (`invalid_auth`, `token_revoked`, `channel_not_found`, `not_in_channel`, `invalid_blocks` …) failed.
 * Both: HTTP 429 retries not before its Retry-After (https://docs.slack.dev/apis/web-api/rate-limits);
 * 5xx, timeouts and dropped connections retry.
 */
import { z } from 'zod';
import type { ActionDelivery, AlertDelivery, Destination, DeliveryOutcome } from './destination';
import { attempt, outcomeOfStatus, retryAfterMs, type HttpAttempt } from './http';
import { resolveSecret, SecretRef, secretName } from './secrets';
import { slackAlertBlocks, slackAlertText, slackBlocks, slackFallbackText } from './slackMessage';

/** Web API errors that say "not now" rather than "never". */
const TRANSIENT = new Set(['ratelimited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

const InstanceUrl = z.string().url('must be the Salesforce instance URL, e.g. https://acme.my.salesforce.com');

export const SlackSettings = z.discriminatedUnion('mode', [
  z
    .object({
      mode: z.literal('webhook'),
      /** The channel's incoming-webhook URL (a credential: inline or `{ env: NAME }`). */
      webhookUrl: SecretRef,
      /** For the "Open in Salesforce" button. */
      salesforceUrl: InstanceUrl.optional(),
    })
    .strict(),
  z
    .object({
      mode: z.literal('dm'),
      /** A bot token (xoxb-…) with chat:write and users:read.email. */
      botToken: SecretRef,
      /** Where the message goes when the owner has no email or Slack knows none (a channel id or name). */
      fallbackChannel: z.string().min(1).optional(),
      /** The Web API base (default https://slack.com/api/). */
      apiUrl: z.string().url().optional(),
      salesforceUrl: InstanceUrl.optional(),
    })
    .strict(),
]);
export type SlackSettings = z.infer<typeof SlackSettings>;

export interface SlackDeps {
  fetch?: typeof fetch;
  now?: () => number;
  env?: NodeJS.ProcessEnv;
}

type WebApi<T> = { ok: true; body: T } | { ok: false; outcome: DeliveryOutcome; error?: string };

/** A Web API answer: the body when ok, else the outcome it means (and Slack's error code). */
function readWebApi<T>(a: HttpAttempt, method: string, now?: () => number): WebApi<T> {
  if (a.kind === 'network' || a.status !== 200)
    return { ok: false, outcome: outcomeOfStatus(a, `Slack ${method}`, now) };
  let body: { ok?: unknown; error?: unknown };
  try {
    body = JSON.parse(a.text) as typeof body;
  } catch {
    return { ok: false, outcome: { status: 'retry', error: `Slack ${method}: the answer is not JSON` } };
  }
  if (body.ok === true) return { ok: true, body: body as T };
  const error = typeof body.error === 'string' ? body.error : 'unknown_error';
  const said = `Slack ${method}: ${error}`;
  if (!TRANSIENT.has(error)) return { ok: false, outcome: { status: 'failed', error: said }, error };
  const afterMs = retryAfterMs(a.headers, now);
  return {
    ok: false,
    outcome: afterMs === undefined ? { status: 'retry', error: said } : { status: 'retry', error: said, afterMs },
    error,
  };
}

/** The Slack destination. */
export function slackDestination(deps: SlackDeps = {}): Destination<SlackSettings> {
  const fetchFn = deps.fetch ?? fetch;
  const now = deps.now;

  async function viaWebhook(
    s: Extract<SlackSettings, { mode: 'webhook' }>,
    message: { text: string; blocks: unknown[] },
  ): Promise<DeliveryOutcome> {
    const url = resolveSecret(s.webhookUrl, 'Slack incoming-webhook URL', deps.env);
    const body = JSON.stringify(message);
    const a = await attempt(fetchFn, url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    return outcomeOfStatus(a, 'Slack incoming webhook', now);
  }

  async function postMessage(
    s: Extract<SlackSettings, { mode: 'dm' }>,
    channel: string,
    message: { text: string; blocks: unknown[] },
  ): Promise<DeliveryOutcome> {
    const token = resolveSecret(s.botToken, 'Slack bot token', deps.env);
    const base = (s.apiUrl ?? 'https://slack.com/api/').replace(/\/*$/, '/');
    const body = JSON.stringify({ channel, ...message, unfurl_links: false });
    const a = await attempt(fetchFn, `${base}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json; charset=utf-8' },
      body,
    });
    const r = readWebApi<{ channel: string; ts: string }>(a, 'chat.postMessage', now);
    return r.ok ? { status: 'delivered', externalId: `${r.body.channel}/${r.body.ts}` } : r.outcome;
  }

  async function viaBot(d: ActionDelivery, s: Extract<SlackSettings, { mode: 'dm' }>): Promise<DeliveryOutcome> {
    const token = resolveSecret(s.botToken, 'Slack bot token', deps.env);
    const base = (s.apiUrl ?? 'https://slack.com/api/').replace(/\/*$/, '/');
    const auth = { authorization: `Bearer ${token}` };
    let channel: string | undefined;
    if (d.change.ownerEmail) {
      const q = new URLSearchParams({ email: d.change.ownerEmail });
      const a = await attempt(fetchFn, `${base}users.lookupByEmail?${q.toString()}`, { method: 'GET', headers: auth });
      const r = readWebApi<{ user: { id: string } }>(a, 'users.lookupByEmail', now);
      if (r.ok) channel = r.body.user.id;
      else if (r.error !== 'users_not_found') return r.outcome;
    }
    channel ??= s.fallbackChannel;
    if (!channel)
      return {
        status: 'failed',
        error: `Slack: no Slack user for the owner ${d.change.ownerEmail ?? '(no email)'} and no fallbackChannel set`,
      };
    return postMessage(s, channel, { text: slackFallbackText(d), blocks: slackBlocks(d, s.salesforceUrl) });
  }

  /** A system alert has no owner: a bot posts it to `fallbackChannel` (the admins' channel). */
  async function alertViaBot(d: AlertDelivery, s: Extract<SlackSettings, { mode: 'dm' }>): Promise<DeliveryOutcome> {
    if (!s.fallbackChannel)
      return { status: 'failed', error: "Slack: a system alert by bot needs fallbackChannel (the admins' channel)" };
    return postMessage(s, s.fallbackChannel, { text: slackAlertText(d), blocks: slackAlertBlocks(d) });
  }

  return {
    kind: 'slack',
    settings: SlackSettings,
    // An incoming webhook posts to the one channel it was made for: its URL names the channel.
    recipientOf: (s, account) =>
      s.mode === 'webhook' ? `slack-channel:${secretName(s.webhookUrl)}` : (account.ownerId ?? 'unowned'),
    async deliver(delivery, settings) {
      try {
        return settings.mode === 'webhook'
          ? await viaWebhook(settings, {
              text: slackFallbackText(delivery),
              blocks: slackBlocks(delivery, settings.salesforceUrl),
            })
          : await viaBot(delivery, settings);
      } catch (e) {
        // A secret named by a variable that is not set: a configuration problem, not a transient one.
        return { status: 'failed', error: (e as Error).message };
      }
    },
    async deliverAlert(delivery, settings) {
      try {
        return settings.mode === 'webhook'
          ? await viaWebhook(settings, { text: slackAlertText(delivery), blocks: slackAlertBlocks(delivery) })
          : await alertViaBot(delivery, settings);
      } catch (e) {
        return { status: 'failed', error: (e as Error).message };
      }
    },
  };
}

/** The Slack destination on the real network. */
export const slack = slackDestination();
