/**
 * A thin Account Engagement (Pardot) API v5 client: Salesforce OAuth bearer token plus the
 * business unit header on every call, v5 error bodies (`{code, message}`) turned into
 * MapSourceErrors, one retry policy for the answers that say "try again", one token refresh.
 * https://developer.salesforce.com/docs/marketing/pardot/guide/version5overview.html
 */
import { MapSourceError } from '../map/types';
import { DEFAULT_RETRY, withRetry, type Verdict } from '../retry';

/** The v5 error codes the client acts on (error-codes page). */
export const PARDOT_CODES = {
  CONCURRENCY: 66,
  DAILY_LIMIT: 122,
  BU_MISSING: 181,
  BU_INVALID: 182,
  TOKEN_INVALID: 184,
  BU_NOT_FOUND: 201,
  PER_MINUTE: 202,
  TOO_MANY_FILTERS: 209,
  PAGE_TOKEN_EXPIRED: 210,
  PAGE_TOKEN_INVALID: 211,
  TIMED_OUT: 214,
} as const;

/** How the client reaches Pardot; everything with a side effect is injected. */
export interface PardotClientOptions {
  /** `https://pi.pardot.com` (or `https://pi.demo.pardot.com`), no trailing slash. */
  baseUrl: string;
  businessUnitId: string;
  /** An access token: cached by the caller, `fresh` asks for a new one after a 184. */
  token(fresh: boolean): Promise<string>;
  fetch: typeof fetch;
  sleep(ms: number): Promise<void>;
  /** The retries' jitter, in [0, 1) (default Math.random). */
  random?: () => number;
  countCall(): void;
  /** Attempts per request for retryable answers (default 5). */
  maxAttempts?: number;
}

/** A successful answer: its JSON body and the headers the caller reads (Pardot-Warning). */
export interface PardotResponse {
  body: unknown;
  headers: Headers;
}

/**
 * How a retryable answer is waited out (../retry.ts). The per-minute limit (202, or a bare 429)
 * needs the minute to roll over: a minute, not jittered. Concurrency (66) clears as soon as another
 * request finishes, so its backoff windows start at a second; 5xx, timeouts (214) and network
 * errors start at 2 s.
 */
function retryVerdict(code: number | null, status: number, error: MapSourceError): Verdict<never> {
  if (code === PARDOT_CODES.PER_MINUTE || (status === 429 && code === null)) return { waitThen: 60_000, error };
  if (code === PARDOT_CODES.CONCURRENCY) return { backoff: error, baseMs: 1_000 };
  return { backoff: error };
}

function retryable(code: number | null, status: number): boolean {
  if (code === PARDOT_CODES.DAILY_LIMIT) return false;
  if (code === PARDOT_CODES.CONCURRENCY || code === PARDOT_CODES.PER_MINUTE || code === PARDOT_CODES.TIMED_OUT)
    return true;
  return status === 429 || status >= 500;
}

/** The v5 error body `{code, message}`, when the body is one. */
function errorBody(text: string): { code: number | null; message: string } {
  try {
    const b = JSON.parse(text) as { code?: unknown; message?: unknown };
    if (typeof b === 'object' && b !== null && typeof b.code === 'number')
      return { code: b.code, message: typeof b.message === 'string' ? b.message : '' };
  } catch {
    // Not JSON (a proxy's HTML page): fall through to the status alone.
  }
  return { code: null, message: text.slice(0, 200) };
}

/** Calls Pardot v5 for one connector pull. */
export class PardotClient {
  constructor(private readonly o: PardotClientOptions) {}

  /** The absolute URL of `path` (`/api/v5/objects/...`) with `params` encoded (`+` as `%2B`). */
  url(path: string, params: Record<string, string | number>): string {
    const qs = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]));
    return `${this.o.baseUrl}${path}?${qs.toString()}`;
  }

  /**
   * GETs an absolute URL (a built query or a `nextPageUrl`) and returns its JSON. Retries
   * concurrency, per-minute, timeout and 5xx answers with back-off; refreshes the token once on
   * 184/401 (not counted as an attempt); throws MapSourceError otherwise (code = Pardot's code or
   * `HTTP_<status>`).
   */
  get(url: string): Promise<PardotResponse> {
    return this.request('GET', url);
  }

  /**
   * POST `body` as JSON (a create) or DELETE (an object by id), with the retries and token refresh of
   * `get`. Only list memberships are written, and a resent create of one that had arrived is refused
   * as a duplicate, not doubled. A 204 answer's body is null.
   */
  send(method: 'POST' | 'DELETE', url: string, body?: unknown): Promise<PardotResponse> {
    return this.request(method, url, body === undefined ? undefined : JSON.stringify(body));
  }

  private async request(method: 'GET' | 'POST' | 'DELETE', url: string, body?: string): Promise<PardotResponse> {
    let token = await this.o.token(false);
    return withRetry(
      async (attempt): Promise<Verdict<PardotResponse>> => {
        this.o.countCall();
        let res: Response;
        try {
          res = await this.o.fetch(url, {
            method,
            headers: {
              authorization: `Bearer ${token}`,
              'pardot-business-unit-id': this.o.businessUnitId,
              accept: 'application/json',
              ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
            },
            body,
          });
        } catch (cause) {
          return {
            backoff: new MapSourceError('pardot', 'NETWORK', `cannot reach ${this.o.baseUrl}: check baseUrl`, 'http', {
              cause,
            }),
          };
        }
        const text = await res.text();
        if (res.ok) {
          if (res.status === 204 || text === '') return { done: { body: null, headers: res.headers } };
          try {
            return { done: { body: JSON.parse(text) as unknown, headers: res.headers } };
          } catch (cause) {
            throw new MapSourceError(
              'pardot',
              'MALFORMED',
              `${pathOf(url)} answered ${res.status} with a body that is not JSON`,
              'malformed',
              { cause },
            );
          }
        }
        const { code, message } = errorBody(text);
        const error = this.error(code, res.status, message, url, attempt);
        if (code === PARDOT_CODES.TOKEN_INVALID || (res.status === 401 && code === null)) return { reauth: error };
        return retryable(code, res.status) ? retryVerdict(code, res.status, error) : { fail: error };
      },
      {
        policy: { ...DEFAULT_RETRY, attempts: this.o.maxAttempts ?? 5, baseMs: 2_000 },
        sleep: this.o.sleep,
        random: this.o.random,
        reauth: async () => {
          token = await this.o.token(true);
        },
      },
    );
  }

  private error(code: number | null, status: number, message: string, url: string, attempts: number): MapSourceError {
    const said = `${pathOf(url)} answered ${status}${code !== null ? ` code ${code}` : ''} (${message || 'no message'})`;
    const c = code !== null ? String(code) : `HTTP_${status}`;
    switch (code) {
      case PARDOT_CODES.DAILY_LIMIT:
        return new MapSourceError('pardot', c, `${said}: the daily API limit is spent; the next run resumes`, 'quota');
      case PARDOT_CODES.TOKEN_INVALID:
        return new MapSourceError(
          'pardot',
          c,
          `${said} after a fresh Salesforce sign-in: give the integration user the Account Engagement (pardot_api) scope and access to the business unit`,
          'auth',
        );
      case PARDOT_CODES.BU_MISSING:
      case PARDOT_CODES.BU_INVALID:
      case PARDOT_CODES.BU_NOT_FOUND:
        return new MapSourceError(
          'pardot',
          c,
          `${said}: check businessUnitId (Account Engagement Setup shows the 0Uv… id) and baseUrl (pi.demo.pardot.com for developer orgs and sandboxes)`,
          'auth',
        );
      case PARDOT_CODES.CONCURRENCY:
      case PARDOT_CODES.PER_MINUTE:
        return new MapSourceError(
          'pardot',
          c,
          `${said} ${attempts} times: too many requests at once for this business unit; run again later`,
          'rate',
        );
      default:
        if (status === 401 || status === 403)
          return new MapSourceError(
            'pardot',
            c,
            `${said}: check the Salesforce sign-in and its Account Engagement access`,
            'auth',
          );
        if (status === 429)
          return new MapSourceError('pardot', c, `${said} ${attempts} times: rate limited; run again later`, 'rate');
        return new MapSourceError('pardot', c, said, 'http');
    }
  }
}

/** The path of a URL, for messages (never the query: it may hold a page token). */
function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url.split('?')[0] ?? url;
  }
}
