/** A token bucket per key: `burst` requests at once, refilled at `perSecond`. */
export interface RateLimitOptions {
  perSecond: number;
  burst: number;
}

/**
 * Requests per key per second, in this process's memory (one web dyno; with several, each
 * enforces its share). Takes one token per request; when none is left, says how long to wait.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly opts: RateLimitOptions,
    private readonly clock: () => number = () => Date.now(),
  ) {}

  /** Takes a token for `key`; returns 0 when allowed, else the whole seconds to wait (for Retry-After). */
  take(key: string): number {
    const now = this.clock();
    const b = this.buckets.get(key) ?? { tokens: this.opts.burst, at: now };
    b.tokens = Math.min(this.opts.burst, b.tokens + ((now - b.at) / 1000) * this.opts.perSecond);
    b.at = now;
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / this.opts.perSecond));
  }
}
