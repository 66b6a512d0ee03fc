import type { NextFunction, Request, Response } from 'express';
import { PulseError, ValidationError } from '../errors';
import { HttpError } from './httpError';
import { describeBadJson } from './jsonSyntax';
import type { LoggedError } from './requestLog';

/** body-parser's errors carry a `type` and a `status` (and the raw `body` when it is not JSON). */
interface BodyParserError extends Error {
  type?: string;
  status?: number;
  limit?: number;
  body?: unknown;
}

/** Turns any error into the status and `{ error, code, issues? }` body a client can act on. */
export function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  if (err instanceof ValidationError) return new HttpError(400, err.code, err.message, err.issues);
  if (err instanceof PulseError) return new HttpError(400, err.code, err.message);
  const bp = err as BodyParserError;
  switch (bp?.type) {
    case 'entity.too.large':
      return new HttpError(
        413,
        'BODY_TOO_LARGE',
        `request body is larger than the ${bp.limit ?? 'configured'} byte limit: send fewer items per request`,
      );
    case 'entity.parse.failed':
      // The parser's message quotes the body; say where it broke instead.
      return new HttpError(
        400,
        'BAD_JSON',
        describeBadJson(typeof bp.body === 'string' ? bp.body : undefined, bp.message),
      );
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new HttpError(415, 'UNSUPPORTED_ENCODING', bp.message);
    case 'request.aborted':
      return new HttpError(400, 'REQUEST_ABORTED', 'the client closed the request before its body arrived');
    default:
      return new HttpError(500, 'INTERNAL', 'internal error: the server log has the details under this request id');
  }
}

/**
 * The one error middleware: answers JSON and leaves the error for the request log, which logs it
 * once (with the stack for 5xx). Never echoes the request body.
 */
export function errorHandler() {
  return (err: unknown, _req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const http = toHttpError(err);
    const logged: LoggedError = { status: http.status, code: http.code, message: http.message };
    if (http.status >= 500 && err instanceof Error) {
      logged.message = err.message;
      logged.stack = err.stack;
    }
    res.locals.error = logged;
    for (const [k, v] of Object.entries(http.headers)) res.setHeader(k, v);
    res.status(http.status).json({
      error: http.message,
      code: http.code,
      ...(http.issues.length > 0 ? { issues: http.issues } : {}),
      requestId: res.locals.requestId as string | undefined,
    });
  };
}
