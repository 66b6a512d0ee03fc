/**
 * A thin HubSpot API client for one pull: Bearer auth with a private-app token or an OAuth
 * access token refreshed from a refresh token, HubSpot's error bodies turned into
 * MapSourceErrors, and one retry policy for the answers that say "try again" (429 by policy,
 * 5xx, dropped connections). Every HTTP request, retries and token refreshes included, is counted.
 * https://developers.hubspot.com/docs/api/usage-details
 * https://developers.hubspot.com/docs/api-reference/error-handling
 */
import { MapSourceError } from '../map/types';
import { DEFAULT_RETRY, withRetry, type Verdict } from '../retry';

/** How the client signs in. */
export type HubspotAuth =
  | { kind: 'privateApp'; accessToken: string }
  | { kind: 'oauth'; clientId: string; clientSecret: string; refreshToken: string };

/** Everything with a side effect is injected. */
export interface HubspotClientOptions {
  /** `https://api.hubapi.com`, no trailing slash. */
  baseUrl: string;
  auth: HubspotAuth;
  fetch: typeof fetch;
  sleep(ms: number): Promise<void>;
  /** The retries' jitter, in [0, 1) (default Math.random). */
  random?: () => number;
  countCall(): void;
  /** The run's clock, for the OAuth token's expiry. */
  now(): number;
  /** Attempts per request for retryable answers (default 5). */
  maxAttempts?: number;
}

/** What HubSpot puts in an error body (v3 APIs, the 429 body and the OAuth endpoint). */
interface ErrorBody {
  status?: string;
  message?: string;
  category?: string;
  policyName?: string;
  correlationId?: string;
}

/**
 * Waits per 429 policy, as HubSpot's usage guidelines and its own SDK do: the secondly (search)
 * limit clears within a second; the ten-secondly rolling burst limit needs the window to roll,
 * so wait the interval the headers announce (10 s); DAILY is not retried at all (quota).
 */
const SECONDLY_WAIT_MS = 1_000;
const TEN_SECONDLY_WAIT_MS = 10_000;
/** Refresh an OAuth token this long before HubSpot says it expires (its clock and ours differ). */
const REFRESH_MARGIN_MS = 60_000;

function parseError(text: string): ErrorBody {
  try {
    const b = JSON.parse(text) as unknown;
    if (typeof b === 'object' && b !== null) return b as ErrorBody;
  } catch {
    // Not JSON (a proxy's HTML page): the status alone speaks.
  }
  return { message: text.slice(0, 200) };
}

/** Calls HubSpot for one connector pull. */
export class HubspotClient {
  private token: { value: string; expiresAt: number } | null = null;
  private refreshToken: string | null;

  constructor(private readonly o: HubspotClientOptions) {
    this.refreshToken = o.auth.kind === 'oauth' ? o.auth.refreshToken : null;
  }

  /** GET `path` with `params`; the parsed JSON body. */
  get(path: string, params: Record<string, string | number | undefined> = {}): Promise<unknown> {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined) qs.set(k, String(v));
    const q = qs.toString();
    return this.request('GET', q ? `${path}?${q}` : path);
  }

  /** POST `body` as JSON to `path`; the parsed JSON body (200 or 207 multi-status). */
  post(path: string, body: unknown): Promise<unknown> {
    return this.request('POST', path, JSON.stringify(body));
  }

  /** PUT `body` as JSON to `path` (idempotent by HTTP's definition: list membership changes); the parsed JSON body. */
  put(path: string, body: unknown): Promise<unknown> {
    return this.request('PUT', path, JSON.stringify(body));
  }

  private async bearer(fresh: boolean): Promise<string> {
    const a = this.o.auth;
    if (a.kind === 'privateApp') return a.accessToken;
    if (!fresh && this.token && this.token.expiresAt - REFRESH_MARGIN_MS > this.o.now()) return this.token.value;
    this.token = await this.refresh(a);
    return this.token.value;
  }

  /** OAuth v1 refresh: https://developers.hubspot.com/docs/api-reference/legacy/authentication/oauth-tokens/v1/refresh-oauth-token */
  private async refresh(a: Extract<HubspotAuth, { kind: 'oauth' }>): Promise<{ value: string; expiresAt: number }> {
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: a.clientId,
      client_secret: a.clientSecret,
      refresh_token: this.refreshToken ?? a.refreshToken,
    });
    const res = await this.send(`${this.o.baseUrl}/oauth/v1/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form.toString(),
    });
    const text = await res.text();
    if (!res.ok) {
      const e = parseError(text);
      throw new MapSourceError(
        'hubspot',
        e.status ?? `HTTP_${res.status}`,
        `the OAuth refresh was refused (${res.status} ${e.status ?? ''}: ${e.message ?? ''}); check clientId, clientSecret and refreshToken (HUBSPOT_CLIENT_ID, HUBSPOT_CLIENT_SECRET, HUBSPOT_REFRESH_TOKEN) or reconnect the app`,
        'auth',
      );
    }
    const b = parseError(text) as { access_token?: unknown; expires_in?: unknown; refresh_token?: unknown };
    if (typeof b.access_token !== 'string' || typeof b.expires_in !== 'number')
      throw new MapSourceError(
        'hubspot',
        'MALFORMED',
        'the OAuth token answer has no access_token/expires_in',
        'malformed',
      );
    if (typeof b.refresh_token === 'string') this.refreshToken = b.refresh_token;
    return { value: b.access_token, expiresAt: this.o.now() + b.expires_in * 1000 };
  }

  /** One fetch, counted; network failures become 'http' errors the retry loop may retry. */
  private async send(url: string, init: RequestInit): Promise<Response> {
    this.o.countCall();
    try {
      return await this.o.fetch(url, init);
    } catch (cause) {
      throw new MapSourceError('hubspot', 'NETWORK', `no answer from ${new URL(url).host} (${String(cause)})`, 'http', {
        cause,
      });
    }
  }

  /**
   * HubSpot asks integrations to stay under the burst limit rather than lean on 429s (errors
   * should stay under 5% of calls): when a response says the ten-second allowance is used up,
   * wait the announced interval before the next call.
   */
  private async paceBurst(headers: Headers): Promise<void> {
    const remaining = headers.get('x-hubspot-ratelimit-remaining');
    if (remaining === null || Number(remaining) > 0) return;
    const interval = Number(headers.get('x-hubspot-ratelimit-interval-milliseconds'));
    await this.o.sleep(Number.isFinite(interval) && interval > 0 ? interval : TEN_SECONDLY_WAIT_MS);
  }

  /**
   * One request through the retry policy (../retry.ts; DEFAULT_RETRY: 5xx and dropped connections
   * back off in jittered windows of 1, 2, 4 and 8 s; a 429 waits per waitFor429; an OAuth 401
   * refreshes the token once).
   */
  private async request(method: 'GET' | 'POST' | 'PUT', pathAndQuery: string, body?: string): Promise<unknown> {
    const max = this.o.maxAttempts ?? 5;
    const endpoint = pathAndQuery.split('?')[0]!;
    return withRetry(
      async (attempt): Promise<Verdict<unknown>> => {
        const token = await this.bearer(false);
        let res: Response;
        try {
          res = await this.send(`${this.o.baseUrl}${pathAndQuery}`, {
            method,
            headers: {
              authorization: `Bearer ${token}`,
              accept: 'application/json',
              ...(body ? { 'content-type': 'application/json' } : {}),
            },
            body,
          });
        } catch (e) {
          return { backoff: e };
        }
        const text = await res.text();
        if (res.ok) {
          await this.paceBurst(res.headers);
          try {
            return { done: JSON.parse(text) as unknown };
          } catch (cause) {
            throw new MapSourceError(
              'hubspot',
              'MALFORMED',
              `${method} ${endpoint} answered ${res.status} with a body that is not JSON (${text.length} bytes); the next run resumes from the last stored page`,
              'malformed',
              { cause },
            );
          }
        }
        const e = parseError(text);
        const what =
          `${method} ${endpoint} → ${res.status} ${e.category ?? e.policyName ?? ''}: ${e.message ?? ''}`.trim();
        if (res.status === 401) {
          const refused = new MapSourceError(
            'hubspot',
            e.category ?? 'UNAUTHORIZED',
            `${what}. ${this.o.auth.kind === 'oauth' ? 'The refreshed token was refused too: reconnect the HubSpot app' : 'Check the private app access token (HUBSPOT_ACCESS_TOKEN)'}`,
            'auth',
          );
          // A private-app token does not expire; an OAuth token may have expired early (or been
          // revoked and re-issued): refresh once, then give up.
          return this.o.auth.kind === 'oauth' ? { reauth: refused } : { fail: refused };
        }
        if (res.status === 403)
          return {
            fail: new MapSourceError(
              'hubspot',
              e.category ?? 'FORBIDDEN',
              `${what}. Give the private app (or OAuth app) the scopes Pulse needs: crm.objects.contacts.read, crm.objects.companies.read, content, forms, analytics.behavioral_events.send (and crm.lists.write to push lists)`,
              'auth',
            ),
          };
        if (res.status === 429) {
          const policy = e.policyName ?? '';
          if (policy === 'DAILY')
            return {
              fail: new MapSourceError(
                'hubspot',
                'DAILY',
                `the portal's daily API allowance is spent (${e.message ?? '429 DAILY'}); it resets at midnight in the portal's time zone and the next run resumes where this one stopped`,
                'quota',
              ),
            };
          return {
            waitThen: waitFor429(policy, res.headers, attempt),
            error: new MapSourceError(
              'hubspot',
              policy || 'RATE_LIMIT',
              `${what} (still limited after ${max} attempts)`,
              'rate',
            ),
          };
        }
        const failed = new MapSourceError('hubspot', e.category ?? `HTTP_${res.status}`, what, 'http');
        return res.status >= 500 ? { backoff: failed } : { fail: failed };
      },
      {
        policy: { ...DEFAULT_RETRY, attempts: max },
        sleep: this.o.sleep,
        random: this.o.random,
        reauth: async () => {
          this.token = null;
          await this.bearer(true);
        },
      },
    );
  }
}

/** How long to wait after a 429 that is not DAILY. */
export function waitFor429(policy: string, headers: Headers, attempt: number): number {
  const retryAfter = Number(headers.get('retry-after'));
  if (Number.isFinite(retryAfter) && retryAfter > 0) return retryAfter * 1000;
  if (policy === 'SECONDLY') return SECONDLY_WAIT_MS * attempt;
  const interval = Number(headers.get('x-hubspot-ratelimit-interval-milliseconds'));
  return Number.isFinite(interval) && interval > 0 ? interval : TEN_SECONDLY_WAIT_MS;
}
