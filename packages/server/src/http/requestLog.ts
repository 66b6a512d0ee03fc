import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../log';
import type { PulseMetrics } from './metrics';

/** What the error handler leaves for the request log, so an error is logged once, on the request's line. */
export interface LoggedError {
  status: number;
  code: string;
  message: string;
  stack?: string;
}

// Probes and scrapes arrive every few seconds; at info level they would drown the requests that matter.
const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * One log line per request when the response is finished: method, route, status, duration,
 * request id, the key's org when authenticated, what the route added (`res.locals.logFields`), and
 * the error if any (never headers or bodies).
 */
export function requestLog(log: Logger, metrics: PulseMetrics) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    const incoming = req.get('x-request-id');
    const id = incoming && /^[\w.-]{1,100}$/.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = id;
    res.setHeader('X-Request-Id', id);
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      // The matched route pattern, not the raw path, keeps metric label cardinality bounded.
      const route = req.route ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      metrics.httpDuration.observe({ method: req.method, route, status: String(res.statusCode) }, seconds);
      const error = res.locals.error as LoggedError | undefined;
      const line = {
        req: { id, method: req.method, path: req.path },
        status: res.statusCode,
        ms: Math.round(seconds * 1e4) / 10,
        ...(res.locals.orgId ? { org: res.locals.orgId as string } : {}),
        ...(res.locals.logFields ? (res.locals.logFields as Record<string, unknown>) : {}),
        ...(error ? { err: error } : {}),
      };
      if (res.statusCode >= 500) log.error(line, 'request failed');
      else if (res.statusCode >= 400) log.warn(line, 'request rejected');
      else if (QUIET_PATHS.has(req.path)) log.debug(line, 'request');
      else log.info(line, 'request');
    });
    next();
  };
}
