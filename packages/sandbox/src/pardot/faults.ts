/** Switchable faults of the Pardot emulator, and its call log's entries. */
import type { Call } from '../kit/callLog';
import { FaultBoard } from '../kit/faults';
import type { TokenBook } from '../kit/tokens';

/** One answered call. */
export interface PardotCall extends Call {
  /** Query parameters as sent (after URL decoding, so an unencoded `+` shows as a space). */
  params: Record<string, string>;
  /** Pardot's error code, when the answer was an error body. */
  code: number | null;
}

/** Switchable faults; each counted fault hits the next `count` API calls. */
export class PardotFaults extends FaultBoard {
  /** 429 code 66 (more than 5 concurrent requests). */
  readonly concurrent = this.switch();
  /** 429 code 202 (per-minute limit). */
  readonly perMinuteLimit = this.switch();
  /** 503 with an HTML page. */
  readonly unavailable = this.switch();
  /** Visitor-activity pages cut off mid-JSON. */
  readonly malformed = this.switch();
  dailyLimitSpent = false;

  /** The next `count` calls answer 429 code 66 (more than 5 concurrent requests). */
  readonly concurrency = this.counted(this.concurrent);
  /** The next `count` calls answer 429 code 202 (per-minute limit). */
  readonly perMinute = this.counted(this.perMinuteLimit);
  /** The next `count` calls answer 503 with an HTML page (as a load balancer does). */
  readonly serverErrors = this.counted(this.unavailable);
  /** The next `count` visitor-activity pages come back cut off mid-JSON. */
  readonly malformedPage = this.counted(this.malformed);

  /**
   * `pageTokens` and `accessTokens` are the emulator's token books: expiring either bumps its
   * epoch (page tokens then answer 210; access tokens, with the built-in check, 184).
   */
  constructor(
    private readonly pageTokens: TokenBook,
    private readonly accessTokens: TokenBook,
  ) {
    super();
  }

  /** Every call answers 429 code 122 until `clear()` (the daily allowance is spent). */
  readonly dailyLimit = this.fluent((on: boolean = true) => (this.dailyLimitSpent = on));

  /** Every page token issued so far is expired (as after 4 hours). */
  readonly expirePageTokens = this.fluent(() => this.pageTokens.expireAll());

  /** Every emulator-issued access token so far is expired (only without `validateToken`). */
  readonly expireTokens = this.fluent(() => this.accessTokens.expireAll());

  /** Switches every fault off (tokens already expired stay expired). */
  override clear(): this {
    this.dailyLimitSpent = false;
    return super.clear();
  }
}
