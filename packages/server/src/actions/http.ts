/**
 * How a destination reads an HTTP attempt: one POST with a timeout, and what its answer means for the
 * sender (delivered, retry — not before a Retry-After — or failed). The sender alone counts attempts
 * and gives up; a destination makes exactly one try per call.
 */
import { timedFetch } from '../sources/retry';
import type { DeliveryOutcome } from './destination';

/** A destination's call takes at most this long before it counts as a timeout (retried). */
export const DELIVERY_TIMEOUT_MS = 10_000;

/** One HTTP answer, or no answer at all. */
export type HttpAttempt =
  { kind: 'answer'; status: number; headers: Headers; text: string } | { kind: 'network'; message: string };

/** Sends one request through `timedFetch`; a dropped connection or a timeout is a `network` attempt. */
export async function attempt(
  fetchFn: typeof fetch,
  url: string,
  init: RequestInit,
  timeoutMs = DELIVERY_TIMEOUT_MS,
): Promise<HttpAttempt> {
  try {
    const res = await timedFetch(fetchFn, timeoutMs)(url, init);
    const text = await res.text();
    return { kind: 'answer', status: res.status, headers: res.headers, text };
  } catch (e) {
    const cause = e instanceof Error && e.cause instanceof Error ? ` (${e.cause.message})` : '';
    return { kind: 'network', message: `${e instanceof Error ? e.message : String(e)}${cause}` };
  }
}

/**
 * Retry-After as milliseconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3); undefined when
 * absent or unreadable, so the sender's own backoff applies.
 */
export function retryAfterMs(headers: Headers, now: () => number = Date.now): number | undefined {
  const raw = headers.get('retry-after')?.trim();
  if (!raw) return undefined;
  if (/^\d+$/.test(raw)) return Number(raw) * 1000;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now());
}

/**
 * The outcome of a plain HTTP answer: 2xx delivered; 408, 429 and 5xx retry (429 not before its
 * Retry-After); every other status failed: the receiver refused this request and would refuse it again.
 */
export function outcomeOfStatus(a: HttpAttempt, what: string, now?: () => number): DeliveryOutcome {
  if (a.kind === 'network') return { status: 'retry', error: `${what}: no answer (${a.message})` };
  if (a.status >= 200 && a.status < 300) return { status: 'delivered' };
  const said = `${what}: HTTP ${a.status}${a.text ? ` ${a.text.slice(0, 200)}` : ''}`;
  if (a.status === 429) {
    const afterMs = retryAfterMs(a.headers, now);
    return afterMs === undefined ? { status: 'retry', error: said } : { status: 'retry', error: said, afterMs };
  }
  if (a.status === 408 || a.status >= 500) return { status: 'retry', error: said };
  return { status: 'failed', error: said };
}
