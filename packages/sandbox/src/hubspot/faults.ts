/** Switchable faults of the HubSpot emulator, and its call log. */

/** The 429 policies HubSpot names in `policyName`. */
export type RateLimitPolicy = 'SECONDLY' | 'TEN_SECONDLY_ROLLING' | 'DAILY';

interface Pending {
  left: number;
  /** Only calls whose path contains this (all API calls when absent). */
  path?: string;
}

/** Fault switches; each `next…` fault applies to the next `count` matching API calls. */
export class HubspotFaults {
  rate: (Pending & { policy: RateLimitPolicy }) | null = null;
  server: (Pending & { status: number }) | null = null;
  malformedPage: Pending | null = null;
  /** Bumped by expireTokens(): OAuth tokens issued under an older epoch are expired. */
  tokenEpoch = 0;
  /** Every API call answers 429 DAILY until clear() (the portal's daily allowance is spent). */
  dailyExhausted = false;
  /** The Events API answers 403 (the portal is not on an Enterprise tier). */
  noWebAnalytics = false;

  /** The next `count` API calls answer 429 with `policy`. */
  rateLimit(policy: RateLimitPolicy, count = 1, path?: string): this {
    this.rate = { policy, left: count, path };
    return this;
  }

  /** The next `count` API calls answer `status` (default 502) with HubSpot's error body. */
  serverError(count = 1, status = 502, path?: string): this {
    this.server = { status, left: count, path };
    return this;
  }

  /** The next `count` API calls answer 200 with a truncated JSON body. */
  malformed(count = 1, path?: string): this {
    this.malformedPage = { left: count, path };
    return this;
  }

  /** Expires every OAuth access token issued so far. */
  expireTokens(): this {
    this.tokenEpoch++;
    return this;
  }

  /** Switches every fault off. */
  clear(): this {
    this.rate = null;
    this.server = null;
    this.malformedPage = null;
    this.dailyExhausted = false;
    this.noWebAnalytics = false;
    return this;
  }

  /** Consumes one pending fault of `kind` for a call on `path`, if one applies. */
  take<K extends 'rate' | 'server' | 'malformedPage'>(kind: K, path: string): HubspotFaults[K] | null {
    const f = this[kind];
    if (!f || f.left <= 0 || (f.path && !path.includes(f.path))) return null;
    f.left--;
    return f;
  }
}

/** One answered call. */
export interface HubspotCall {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  /** Wall-clock ms when the call arrived. */
  at: number;
}

/** Append-only log of calls; `clear()` between tests. */
export class HubspotCallLog {
  readonly entries: HubspotCall[] = [];

  /** Records one call. */
  add(c: HubspotCall): void {
    this.entries.push(c);
  }

  /** Calls whose path contains `part` (and method, when given). */
  filter(part: string, method?: string): HubspotCall[] {
    return this.entries.filter((e) => e.path.includes(part) && (!method || e.method === method));
  }

  /** Forgets all entries. */
  clear(): void {
    this.entries.length = 0;
  }
}
