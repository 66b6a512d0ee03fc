/** Switchable faults of the Slack receiver: 429 with Retry-After, and HTTP errors. `clear()` resets. */
import { FaultBoard, type PathMatch } from '../kit/faults';

export class SlackFaults extends FaultBoard {
  /** Seconds of Retry-After answered (HTTP 429) to the next calls. */
  readonly limited = this.switch<number>();
  /** HTTP statuses answered to the next calls. */
  readonly http = this.switch<number>();

  /** The next `count` calls (matching `path`) get HTTP 429 with `Retry-After: retryAfterSeconds`. */
  readonly rateLimited = this.fluent((retryAfterSeconds: number, count: number = 1, path?: PathMatch) =>
    this.limited.queue(retryAfterSeconds, count, path),
  );

  /** The next `count` calls get HTTP `status` (a 5xx from Slack's edge). */
  readonly httpError = this.fluent((status: number = 503, count: number = 1, path?: PathMatch) =>
    this.http.queue(status, count, path),
  );
}
