import type { Issue } from '../errors';

/**
 * An error with the HTTP status to answer. Routes throw it; the error handler turns it into
 * `{ error, code, issues? }` JSON, so every route answers errors in one shape.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: Issue[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}
