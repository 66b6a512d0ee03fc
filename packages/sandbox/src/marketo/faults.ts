/**
 * Switchable faults of the Marketo emulator: Marketo's response-level error codes (606 rate,
 * 607 daily quota, 615 concurrency, transient 6xx/7xx), expired tokens (602), HTTP 5xx pages,
 * malformed activity pages and slow answers. All reset by `clear()`.
 */
import { FaultBoard } from '../kit/faults';
import type { TokenBook } from '../kit/tokens';

/** A malformed activities page: a JSON body cut short, or one whose shape is wrong. */
export type MalformedKind = 'truncated' | 'shape';

/** A response-level error code a REST call answers with. */
export interface MarketoCode {
  code: string;
  message: string;
}

/** Fault switches; every `count` is consumed one API call at a time. */
export class MarketoFaults extends FaultBoard {
  /** Response-level codes the next REST calls answer with, in order. */
  readonly codes = this.switch<MarketoCode>();
  dailyQuota = false;
  /** HTTP errors (their status) with an HTML page, identity calls included. */
  readonly http = this.switch<number>();
  /** Malformed activities pages. */
  readonly malformed = this.switch<MalformedKind>();
  slowMs = 0;

  /** `tokens` is the emulator's token book: expiring tokens bumps its epoch. */
  constructor(private readonly tokens: TokenBook) {
    super();
  }

  /** The next `count` REST calls answer 606 (as if 100 calls had been made in the last 20 s). */
  rateLimited(count = 1): this {
    return this.errorCode('606', "Max rate limit '100' exceeded with in '20' secs", count);
  }

  /** The next `count` REST calls answer 615 (as if 10 calls were in flight). */
  concurrencyLimited(count = 1): this {
    return this.errorCode('615', 'Concurrent access limit reached', count);
  }

  /** Every REST call answers 607 until `clear()` (the daily quota is spent). */
  readonly dailyQuotaReached = this.fluent((on: boolean = true) => (this.dailyQuota = on));

  /** The next `count` REST calls (on paths matching `path`, if given) answer `code` with `message`. */
  readonly errorCode = this.fluent((code: string, message: string, count: number = 1, path?: RegExp) =>
    this.codes.queue({ code, message }, count, path),
  );

  /** Every access token issued so far expires now (next use → 602; the identity endpoint issues a new one). */
  readonly expireTokens = this.fluent(() => this.tokens.expireAll());

  /** The next `count` calls (identity included) get HTTP `status` with an HTML page, as a load balancer answers. */
  readonly httpError = this.fluent((opts: { status?: number; count?: number } = {}) =>
    this.http.arm(opts.status ?? 503, opts.count ?? 1),
  );

  /** The next `count` activities.json answers are malformed. */
  readonly malformedPage = this.fluent((opts: { kind?: MalformedKind; count?: number } = {}) =>
    this.malformed.arm(opts.kind ?? 'truncated', opts.count ?? 1),
  );

  /** Every REST answer waits `ms` (to put several calls in flight at once). */
  readonly slow = this.fluent((ms: number) => (this.slowMs = ms));

  /** Switches every fault off (tokens already expired stay expired). */
  override clear(): this {
    this.dailyQuota = false;
    this.slowMs = 0;
    return super.clear();
  }
}
