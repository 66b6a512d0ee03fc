/**
 * Ingestion rate limits, shared by every web process through the store (two processes no longer
 * allow twice the rate): per API key, per client address, and per address for failed sign-ins, so a
 * flood of unknown keys is refused before it costs a key lookup each.
 */
import type { Db } from '../store/db';
import { forgetIdleBuckets, takeToken, waitForToken, type BucketRate } from '../store/rateBuckets';

/** A token bucket per key: `burst` requests at once, refilled at `perSecond`. */
export type RateLimitOptions = BucketRate;

/** Failed sign-ins an address may make: 10 at once, then one a second. */
export const AUTH_FAILURE_RATE: BucketRate = { perSecond: 1, burst: 10 };
/** How many keys' worth of requests one address may send (several keys behind one gateway). */
export const ADDRESS_FACTOR = 5;
/** Buckets idle this long are full again, so their rows can go. */
const IDLE_MS = 3_600_000;

/** The limits of one web app: each take answers 0 (allowed) or the whole seconds to wait (Retry-After). */
export class RateLimiter {
  private swept = 0;

  constructor(
    private readonly db: Db,
    private readonly perKey: RateLimitOptions,
    private readonly now: () => Date,
  ) {}

  /** Takes a request's token from its key's bucket. */
  key(prefix: string): Promise<number> {
    return this.take(`key:${prefix}`, this.perKey);
  }

  /** Takes a request's token from its address's bucket (every request, signed in or not). */
  address(ip: string): Promise<number> {
    const rate = { perSecond: this.perKey.perSecond * ADDRESS_FACTOR, burst: this.perKey.burst * ADDRESS_FACTOR };
    return this.take(`ip:${ip}`, rate);
  }

  /** Seconds until the address may try a key again (0: it may now). */
  signInWait(ip: string): Promise<number> {
    return waitForToken(this.db, `auth:${ip}`, AUTH_FAILURE_RATE, this.now());
  }

  /** Counts a failed sign-in against the address. */
  async signInFailed(ip: string): Promise<void> {
    await takeToken(this.db, `auth:${ip}`, AUTH_FAILURE_RATE, this.now());
  }

  private async take(bucket: string, rate: BucketRate): Promise<number> {
    const now = this.now();
    if (now.getTime() - this.swept > IDLE_MS) {
      this.swept = now.getTime();
      await forgetIdleBuckets(this.db, new Date(now.getTime() - IDLE_MS));
    }
    return takeToken(this.db, bucket, rate, now);
  }
}
