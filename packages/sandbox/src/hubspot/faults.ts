/** Switchable faults of the HubSpot emulator, and its call log's entries. */
import type { Call } from '../kit/callLog';
import { FaultBoard, type PathMatch } from '../kit/faults';
import type { TokenBook } from '../kit/tokens';

/** The 429 policies HubSpot names in `policyName`. */
export type RateLimitPolicy = 'SECONDLY' | 'TEN_SECONDLY_ROLLING' | 'DAILY';

/** Fault switches; each `next…` fault applies to the next `count` API calls whose path contains `path`. */
export class HubspotFaults extends FaultBoard {
  /** Forced 429s, with the policy they name. */
  readonly rate = this.switch<RateLimitPolicy>();
  /** Forced 5xx answers, with their status. */
  readonly server = this.switch<number>();
  /** 200 answers with a truncated JSON body. */
  readonly malformedPage = this.switch();
  /** Every API call answers 429 DAILY until clear() (the portal's daily allowance is spent). */
  dailyExhausted = false;
  /** The Events API answers 403 (the portal is not on an Enterprise tier). */
  noWebAnalytics = false;

  /** `oauthTokens` is the emulator's OAuth token book: expiring tokens bumps its epoch. */
  constructor(private readonly oauthTokens: TokenBook) {
    super();
  }

  /** The next `count` API calls answer 429 with `policy`. */
  readonly rateLimit = this.fluent((policy: RateLimitPolicy, count: number = 1, path?: string) =>
    this.rate.arm(policy, count, path),
  );

  /** The next `count` API calls answer `status` (default 502) with HubSpot's error body. */
  readonly serverError = this.fluent((count: number = 1, status: number = 502, path?: string) =>
    this.server.arm(status, count, path),
  );

  /** The next `count` API calls answer 200 with a truncated JSON body. */
  readonly malformed = this.fluent((count: number = 1, path?: PathMatch) => this.malformedPage.arm(true, count, path));

  /** Expires every OAuth access token issued so far. */
  readonly expireTokens = this.fluent(() => this.oauthTokens.expireAll());

  /** Switches every fault off (tokens already expired stay expired). */
  override clear(): this {
    this.dailyExhausted = false;
    this.noWebAnalytics = false;
    return super.clear();
  }
}

/** One answered call, with its query parameters. */
export interface HubspotCall extends Call {
  query: Record<string, string>;
}
