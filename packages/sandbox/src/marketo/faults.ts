/**
 * Switchable faults of the Marketo emulator: Marketo's response-level error codes (606 rate,
 * 607 daily quota, 615 concurrency, transient 6xx/7xx), expired tokens (602), HTTP 5xx pages,
 * malformed activity pages and slow answers. All reset by `clear()`.
 */

/** A malformed activities page: a JSON body cut short, or one whose shape is wrong. */
export type MalformedKind = 'truncated' | 'shape';

/** Fault switches; every `count` is consumed one API call at a time. */
export class MarketoFaults {
  /** Response-level codes the next REST calls answer with, in order. */
  readonly codes: Array<{ code: string; message: string; path?: RegExp }> = [];
  dailyQuota = false;
  /** Bumped by expireTokens(); tokens issued under an older epoch answer 602. */
  tokenEpoch = 0;
  http: { status: number; left: number } | null = null;
  malformed: { kind: MalformedKind; left: number } | null = null;
  slowMs = 0;

  /** The next `count` REST calls answer 606 (as if 100 calls had been made in the last 20 s). */
  rateLimited(count = 1): this {
    for (let i = 0; i < count; i++)
      this.codes.push({ code: '606', message: "Max rate limit '100' exceeded with in '20' secs" });
    return this;
  }

  /** The next `count` REST calls answer 615 (as if 10 calls were in flight). */
  concurrencyLimited(count = 1): this {
    for (let i = 0; i < count; i++) this.codes.push({ code: '615', message: 'Concurrent access limit reached' });
    return this;
  }

  /** Every REST call answers 607 until `clear()` (the daily quota is spent). */
  dailyQuotaReached(on = true): this {
    this.dailyQuota = on;
    return this;
  }

  /** The next `count` REST calls (on paths matching `path`, if given) answer `code` with `message`. */
  errorCode(code: string, message: string, count = 1, path?: RegExp): this {
    for (let i = 0; i < count; i++) this.codes.push({ code, message, path });
    return this;
  }

  /** Every access token issued so far expires now (next use → 602; the identity endpoint issues a new one). */
  expireTokens(): this {
    this.tokenEpoch++;
    return this;
  }

  /** The next `count` calls (identity included) get HTTP `status` with an HTML page, as a load balancer answers. */
  httpError(opts: { status?: number; count?: number } = {}): this {
    this.http = { status: opts.status ?? 503, left: opts.count ?? 1 };
    return this;
  }

  /** The next `count` activities.json answers are malformed. */
  malformedPage(opts: { kind?: MalformedKind; count?: number } = {}): this {
    this.malformed = { kind: opts.kind ?? 'truncated', left: opts.count ?? 1 };
    return this;
  }

  /** Every REST answer waits `ms` (to put several calls in flight at once). */
  slow(ms: number): this {
    this.slowMs = ms;
    return this;
  }

  /** Switches every fault off (tokens already expired stay expired). */
  clear(): this {
    this.codes.length = 0;
    this.dailyQuota = false;
    this.http = null;
    this.malformed = null;
    this.slowMs = 0;
    return this;
  }

  /** Consumes the next queued code that applies to `path`. */
  takeCode(path: string): { code: string; message: string } | null {
    const i = this.codes.findIndex((c) => !c.path || c.path.test(path));
    if (i < 0) return null;
    const [hit] = this.codes.splice(i, 1);
    return hit ?? null;
  }

  /** Consumes one pending HTTP error. */
  takeHttp(): number | null {
    if (!this.http || this.http.left <= 0) return null;
    this.http.left--;
    return this.http.status;
  }

  /** Consumes one pending malformed page. */
  takeMalformed(): MalformedKind | null {
    if (!this.malformed || this.malformed.left <= 0) return null;
    this.malformed.left--;
    return this.malformed.kind;
  }
}
