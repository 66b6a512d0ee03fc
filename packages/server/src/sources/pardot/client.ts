/**
 * A thin Account Engagement (Pardot) API v5 client: Salesforce OAuth bearer token plus the
 * business unit header on every call, v5 error bodies (`{code, message}`) turned into
 * MapSourceErrors, one retry policy for the answers that say "try again", one token refresh.
 * https://developer.salesforce.com/docs/marketing/pardot/guide/version5overview.html
 */
import { MapSourceError } from '../map/types';

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
 * Back-off per retryable answer. Concurrency (66) clears as soon as another request finishes,
 * so a second is enough to start; the per-minute limit (202) needs the minute to roll over;
 * 5xx and timeouts (214) back off exponentially from 2 s.
 */
function backoffMs(code: number | null, status: number, attempt: number): number {
  if (code === PARDOT_CODES.PER_MINUTE || (status === 429 && code === null)) return 60_000;
  if (code === PARDOT_CODES.CONCURRENCY) return 1_000 * 2 ** (attempt - 1);
  return 2_000 * 2 ** (attempt - 1);
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
   * concurrency, per-minute, timeout and 5xx answers with back-off; refreshes the token once
   * on 184/401; throws MapSourceError otherwise (code = Pardot's code or `HTTP_<status>`).
   */
  async get(url: string): Promise<PardotResponse> {
    const max = this.o.maxAttempts ?? 5;
    let refreshed = false;
    let token = await this.o.token(false);
    for (let attempt = 1; ; attempt++) {
      this.o.countCall();
      let res: Response;
      try {
        res = await this.o.fetch(url, {
          headers: {
            authorization: `Bearer ${token}`,
            'pardot-business-unit-id': this.o.businessUnitId,
            accept: 'application/json',
          },
        });
      } catch (cause) {
        if (attempt < max) {
          await this.o.sleep(backoffMs(null, 0, attempt));
          continue;
        }
        throw new MapSourceError('pardot', 'NETWORK', `cannot reach ${this.o.baseUrl}: check baseUrl`, 'http', {
          cause,
        });
      }
      const text = await res.text();
      if (res.ok) {
        try {
          return { body: JSON.parse(text) as unknown, headers: res.headers };
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
      if ((code === PARDOT_CODES.TOKEN_INVALID || (res.status === 401 && code === null)) && !refreshed) {
        refreshed = true;
        token = await this.o.token(true);
        continue;
      }
      if (retryable(code, res.status) && attempt < max) {
        await this.o.sleep(backoffMs(code, res.status, attempt));
        continue;
      }
      throw this.error(code, res.status, message, url, attempt);
    }
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
