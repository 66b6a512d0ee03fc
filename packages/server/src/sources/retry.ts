/**
 * The one retry policy of every outbound client: Marketo, HubSpot, Pardot, the Salesforce token
 * endpoint and the Salesforce write-back. Each client says what a vendor's answer means (its codes
 * stay in the client); this module owns the loop: counting attempts, waiting, jitter, re-signing in.
 *
 * Which errors are retried (a client answers each attempt with a {@link Verdict}):
 * - `backoff`: network errors (no answer, a dropped or refused connection), HTTP 5xx, and the
 *   vendor's documented transient answers — Marketo 604/608/611/713 and its response-level
 *   500/502, 615 (too many calls in flight); Pardot 66 (concurrency) and 214 (timed out).
 * - `waitThen`: 429s and rate limits whose window the vendor states, in a header or its docs —
 *   Retry-After, HubSpot's SECONDLY and TEN_SECONDLY_ROLLING policies, Marketo 606 (100 calls per
 *   rolling 20 s: 5, 10, then 20 s), Pardot 202 (per minute: 60 s). Not jittered: a wait shorter
 *   than the window only spends a try on the same refusal.
 * - `reauth`: an expired or refused access token (Marketo 601/602, HubSpot 401 on OAuth, Pardot
 *   184/401): sign in again and replay. It is not an attempt; a call may do it `reauths` times
 *   (default once: a second re-authentication fails with its error).
 * - `fail` (or a throw): everything else — 4xx, daily quotas, malformed bodies — at once.
 *
 * How many: `policy.attempts` tries per call, the first included; when the last one still asks for
 * a retry, its error is thrown (the client words it: "still failing after N tries").
 *
 * Backoff, full jitter: wait = random() × min(maxMs, baseMs × 2^(attempt − 1)), random() in [0, 1).
 * Clients that failed together (a vendor outage, one shared rate limit) then do not retry together
 * (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/). `random` and `sleep`
 * are injected; tests pass `random: () => 1` so each wait is the top of its window.
 *
 * What is idempotent, so safe to send again:
 * - Reads (HubSpot's search is a POST that reads) and token requests: always, on any retried answer.
 * - MAP list membership changes (actions/mapLists.ts): a list is a set, so a resent Marketo add or
 *   remove, or HubSpot PUT, leaves the same members; a resent Pardot create that had arrived is
 *   refused as a duplicate, and the list client then finds the membership and counts it in.
 * - Salesforce writes: only after a network error, never after an HTTP answer (the write-back's call
 *   gate, 3 tries from 100 ms). sObject collection updates set absolute values, so a resent update
 *   that had in fact arrived writes the same values again; a resent Bulk job create can leave an
 *   empty open job, which Salesforce closes itself. 503 and REQUEST_LIMIT_EXCEEDED are not retried
 *   by the writer (jsforce retries GET/PUT/DELETE on 5xx itself; the limit stops the write, and what
 *   was not confirmed is sent next time). UNABLE_TO_LOCK_ROW is a per-record outcome, retried by
 *   the writer's own rounds (grouped, then one record per call), not by this loop.
 */
import { setTimeout as delay } from 'node:timers/promises';

/** How many tries a call gets and how its backoff grows. */
export interface RetryPolicy {
  /** Tries per call, the first included. */
  attempts: number;
  /** The top of the first backoff window; each retry doubles it. */
  baseMs: number;
  /** No backoff window is wider. */
  maxMs: number;
}

/**
 * For a call retried only when it never reached the server (a network error, never an HTTP answer):
 * the Salesforce token request and the write-back's calls. 3 tries, jittered windows of 100 and 200 ms.
 */
export const NETWORK_RETRY: RetryPolicy = { attempts: 3, baseMs: 100, maxMs: 1_000 };

/** Waits `ms` on the real clock: the default wherever tests inject a sleep. */
export const realSleep = (ms: number): Promise<void> => delay(ms);

/** The default: 1 try + 4 retries, backoff windows of 1, 2, 4 and 8 s (capped at 30 s for longer policies). */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseMs: 1_000, maxMs: 30_000 };

/** What one attempt came to, as the client reads the vendor's answer. */
export type Verdict<T> =
  | { done: T }
  | { fail: unknown }
  /** Retry after the policy's jittered backoff (`baseMs` for an answer with its own pace). */
  | { backoff: unknown; baseMs?: number }
  /** Retry after the wait the server announced. */
  | { waitThen: number; error: unknown }
  /** Sign in again and replay, without counting an attempt. */
  | { reauth: unknown };

/** The loop's side effects and knobs. */
export interface RetryOptions {
  policy?: RetryPolicy;
  sleep(ms: number): Promise<void>;
  /** In [0, 1): the jitter (default Math.random). */
  random?: () => number;
  /** Re-authentications one call may make (default 1); one more fails with that verdict's error. */
  reauths?: number;
  /** Gets a fresh token before the replay a `reauth` verdict asks for. */
  reauth?: () => Promise<void>;
  /** Told before each wait (for logs). */
  onRetry?: (retry: { attempt: number; waitMs: number; error: unknown }) => void;
}

/** The top of the backoff window after `attempt` failed tries: min(maxMs, baseMs × 2^(attempt − 1)). */
export function backoffCapMs(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1));
}

/** Runs `attempt(1)`, `attempt(2)`, … until one is done, fails, or the policy's tries run out; see the module comment. */
export async function withRetry<T>(attempt: (n: number) => Promise<Verdict<T>>, opts: RetryOptions): Promise<T> {
  const policy = opts.policy ?? DEFAULT_RETRY;
  const random = opts.random ?? Math.random;
  const reauths = opts.reauths ?? 1;
  let reauthed = 0;
  for (let n = 1; ;) {
    const v = await attempt(n);
    if ('done' in v) return v.done;
    if ('fail' in v) throw v.fail;
    if ('reauth' in v) {
      if (reauthed >= reauths) throw v.reauth;
      reauthed++;
      await opts.reauth?.();
      continue;
    }
    const error = 'backoff' in v ? v.backoff : v.error;
    if (n >= policy.attempts) throw error;
    const waitMs =
      'backoff' in v
        ? random() * backoffCapMs(v.baseMs === undefined ? policy : { ...policy, baseMs: v.baseMs }, n)
        : Math.max(0, v.waitThen);
    opts.onRetry?.({ attempt: n, waitMs, error });
    await opts.sleep(waitMs);
    n++;
  }
}

/**
 * How long one outbound call may take, headers and body, before it counts as a network error (and
 * is retried as one): a vendor that stops answering must not hold the daily run forever.
 */
export const CALL_TIMEOUT_MS = 60_000;

/** `fetchFn` with every call given up after `timeoutMs` (a caller's own signal still aborts it too). */
export function timedFetch(fetchFn: typeof fetch, timeoutMs = CALL_TIMEOUT_MS): typeof fetch {
  return (input, init) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    return fetchFn(input, { ...init, signal });
  };
}
