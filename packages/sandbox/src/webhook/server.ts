/**
 * A local receiver of Pulse's signed webhooks, written from docs/actions-destinations.md alone (not
 * with the server's helper), so a test that it accepts Pulse's requests checks the documented scheme:
 * `X-Pulse-Signature: v1=<hex HMAC-SHA256 of "${X-Pulse-Timestamp}.${raw body}">`, a timestamp within
 * the tolerance, and dedupe by `X-Pulse-Delivery`. It can be taken down (connections refused) and
 * brought back up on the same port, and told to answer a status for the next calls.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CallLog, recordCall, type Call } from '../kit/callLog';
import { FaultSwitch } from '../kit/faults';
import { listen, type Listening } from '../kit/server';

/** One accepted delivery (first arrival of its id). */
export interface ReceivedWebhook {
  deliveryId: string;
  timestamp: string;
  body: unknown;
}

/** One answered call, and why a refused one was refused. */
export interface WebhookCall extends Call {
  deliveryId: string | null;
  verdict: 'accepted' | 'duplicate' | 'bad-signature' | 'stale' | 'forced';
}

export interface WebhookReceiverOptions {
  secret: string;
  port?: number;
  /** Seconds a timestamp may differ from the receiver's clock (default 300). */
  toleranceSeconds?: number;
  /** The receiver's clock in ms (default Date.now). */
  now?: () => number;
}

export interface WebhookReceiver {
  /** The URL to deliver to (stays the same across down/up). */
  url: string;
  /** Accepted deliveries, once per delivery id, in arrival order. */
  received: ReceivedWebhook[];
  calls: CallLog<WebhookCall>;
  /** Statuses (e.g. 503, 410) answered to the next calls instead of accepting them. */
  answers: FaultSwitch<number>;
  /** Stops listening: connections are refused until `up()`. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}

function verify(secret: string, timestamp: string, raw: string, signature: string): boolean {
  const expected = Buffer.from(`v1=${createHmac('sha256', secret).update(`${timestamp}.${raw}`).digest('hex')}`);
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Starts a receiver on 127.0.0.1 (a free port unless `port` is given). */
export async function startWebhookReceiver(opts: WebhookReceiverOptions): Promise<WebhookReceiver> {
  const tolerance = opts.toleranceSeconds ?? 300;
  const now = opts.now ?? Date.now;
  const received: ReceivedWebhook[] = [];
  const seen = new Set<string>();
  const calls = new CallLog<WebhookCall>();
  const answers = new FaultSwitch<number>();

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const header = (name: string) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    const deliveryId = header('x-pulse-delivery') ?? null;
    let verdict: WebhookCall['verdict'] = 'accepted';
    recordCall(calls, req, res, (call) => ({ ...call, deliveryId, verdict }));
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const forced = answers.take(req.url ?? '/');
      if (forced !== null) {
        verdict = 'forced';
        res.writeHead(forced, { 'content-type': 'text/plain' }).end(`forced ${forced}`);
        return;
      }
      const timestamp = header('x-pulse-timestamp') ?? '';
      if (!/^\d+$/.test(timestamp) || Math.abs(Math.floor(now() / 1000) - Number(timestamp)) > tolerance) {
        verdict = 'stale';
        res.writeHead(400, { 'content-type': 'text/plain' }).end('stale or missing timestamp');
        return;
      }
      if (!verify(opts.secret, timestamp, raw, header('x-pulse-signature') ?? '')) {
        verdict = 'bad-signature';
        res.writeHead(401, { 'content-type': 'text/plain' }).end('bad signature');
        return;
      }
      if (deliveryId && seen.has(deliveryId)) {
        // Already processed: acknowledge so the sender stops, do nothing twice.
        verdict = 'duplicate';
        res.writeHead(200, { 'content-type': 'text/plain' }).end('duplicate');
        return;
      }
      if (deliveryId) seen.add(deliveryId);
      received.push({ deliveryId: deliveryId ?? '', timestamp, body: JSON.parse(raw) as unknown });
      res.writeHead(204).end();
    });
  };

  let http: Listening | null = await listen(handler, { port: opts.port });
  const port = http.port;
  const url = http.url;
  return {
    url,
    received,
    calls,
    answers,
    down: async () => {
      await http?.close();
      http = null;
    },
    up: async () => {
      if (!http) http = await listen(handler, { port });
    },
    close: async () => {
      await http?.close();
      http = null;
    },
  };
}
