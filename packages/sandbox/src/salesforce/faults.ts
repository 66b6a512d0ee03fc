/**
 * Switchable faults for contract tests: lock errors on a share of records, limit
 * exhaustion, session expiry, 503s, slow responses and connection resets.
 */
import { createHash } from 'node:crypto';
import { FaultBoard } from '../kit/faults';
import type { TokenBook } from '../kit/tokens';

export interface LockErrorOptions {
  /** Fraction 0..1 of records that fail with UNABLE_TO_LOCK_ROW. */
  share: number;
  /** Only these objects (API names); all when absent. */
  objects?: string[];
  /** Changes which records are picked (deterministic per id and seed). */
  seed?: number;
}

/** Fault switches shared by the REST routes (D1) and Bulk 2.0 ingest (D2). */
export class Faults extends FaultBoard {
  lock: LockErrorOptions | null = null;
  /** Query pages shorter than the batch size asked for (see shortPages). */
  short: { share: number; seed: number } | null = null;
  limitExhausted = false;
  /** Whether the next 503s answer text/html instead of Salesforce's JSON error array. */
  unavailableHtml = false;
  slowMs = 0;
  private readonly unavailable = this.switch();
  private readonly resets = this.switch();
  /** Paths whose next call expires every session first (see expireSessionsOn). */
  private readonly expireOn = this.switch();

  /** `sessions` is the emulator's token book: expiring sessions bumps its epoch. */
  constructor(private readonly sessions: TokenBook) {
    super();
  }

  /** Per-record UNABLE_TO_LOCK_ROW on `share` of records (deterministic by id/seed). */
  readonly lockErrors = this.fluent((opts: LockErrorOptions) => (this.lock = { ...opts }));

  /** Every authenticated API call answers 403 REQUEST_LIMIT_EXCEEDED until `clear()`. */
  readonly limitExceeded = this.fluent((on: boolean = true) => (this.limitExhausted = on));

  /** Expires every access token issued so far (next call → 401 INVALID_SESSION_ID). */
  readonly expireSessions = this.fluent(() => this.sessions.expireAll());

  /**
   * Expires every access token issued so far when the next API call whose path (without the query)
   * matches `path` arrives, before that call is authenticated: a session that runs out at an exact
   * point, e.g. between a Bulk query job's completion and its results download. Once per call.
   */
  readonly expireSessionsOn = this.fluent((path: RegExp) => this.expireOn.queue(true, 1, path));

  /** Consumes a pending expireSessionsOn matching `path`, expiring the sessions; true when one did. */
  takeExpireOn(path: string): boolean {
    if (!this.expireOn.take(path)) return false;
    this.expireSessions();
    return true;
  }

  /** The next `count` API calls answer 503 (JSON array body, or text/html when `html`). */
  readonly serviceUnavailable = this.fluent((opts: { count: number; html?: boolean } = { count: 1 }) => {
    this.unavailable.arm(true, opts.count);
    this.unavailableHtml = opts.html ?? false;
  });

  /** Delays every API response by `ms`. */
  readonly slow = this.fluent((opts: { ms: number }) => (this.slowMs = opts.ms));

  /** The next `count` API calls have their socket destroyed without a response. */
  readonly resetConnections = this.fluent((opts: { count: number } = { count: 1 }) =>
    this.resets.arm(true, opts.count),
  );

  /**
   * A deterministic `share` of query pages (by cursor, offset and seed) holds fewer records than the
   * batch size asked for, between 30% and 90% of it: Salesforce does not guarantee the requested size
   * (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_queryoptions.htm).
   */
  readonly shortPages = this.fluent((opts: { share?: number; seed?: number } = {}) => {
    this.short = { share: opts.share ?? 0.5, seed: opts.seed ?? 0 };
  });

  /** The records of the query page at `key` (cursor and offset): `batchSize`, or fewer under shortPages. */
  pageSize(key: string, batchSize: number): number {
    if (!this.short) return batchSize;
    const x = createHash('sha1').update(`${this.short.seed}:${key}`).digest().readUInt32BE(0) / 0x100000000;
    if (x >= this.short.share) return batchSize;
    return Math.max(1, Math.floor(batchSize * (0.3 + (0.6 * x) / this.short.share)));
  }

  /** Switches every fault off (sessions already expired stay expired). */
  override clear(): this {
    this.lock = null;
    this.short = null;
    this.limitExhausted = false;
    this.slowMs = 0;
    return super.clear();
  }

  /** Whether a write of record `key` (an id, or a row key for inserts) on `object` fails to lock. */
  shouldLock(object: string, key: string): boolean {
    const l = this.lock;
    if (!l || l.share <= 0) return false;
    if (l.objects && !l.objects.some((o) => o.toLowerCase() === object.toLowerCase())) return false;
    const h = createHash('sha1')
      .update(`${l.seed ?? 0}:${key}`)
      .digest();
    return h.readUInt32BE(0) / 0x100000000 < l.share;
  }

  /** Consumes one pending 503, if any. */
  takeUnavailable(): boolean {
    return this.unavailable.take() !== null;
  }

  /** Consumes one pending connection reset, if any. */
  takeReset(): boolean {
    return this.resets.take() !== null;
  }
}

/** The per-record lock error in Salesforce's shape (collections and Bulk sf__Error). */
export const LOCK_ERROR = {
  statusCode: 'UNABLE_TO_LOCK_ROW',
  message: 'unable to obtain exclusive access to this record or 1 records',
  fields: [] as string[],
};
