/**
 * Who may read what the web process knows about every org. `/v1/status` names each org and its
 * run errors (which can hold internal host names), so it needs the admin token; `/metrics` needs
 * the scrape token, or, when none is set, a client on this machine (a sidecar scraper, an SSH
 * tunnel). `/healthz` says nothing about orgs and stays open.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { presentedKey } from './auth';
import { HttpError } from './httpError';

/** The secrets that open the operator routes; null: not set. */
export interface AccessConfig {
  /** PULSE_ADMIN_TOKEN: opens `/v1/status`. Unset: the status is not served. */
  adminToken: string | null;
  /** PULSE_METRICS_TOKEN: opens `/metrics`. Unset: only loopback clients may scrape. */
  metricsToken: string | null;
}

/** Compares two secrets in time that does not depend on where they differ (digests have one length). */
export function sameSecret(presented: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

/** A client connected straight from this machine: a loopback socket and no proxy in between. */
export function isLoopbackClient(req: Request): boolean {
  const address = req.socket.remoteAddress ?? '';
  const loopback = address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
  return loopback && req.get('x-forwarded-for') === undefined;
}

/** A route opened by a bearer token: which route, which variable holds the token, what happens when it is unset. */
interface Gate {
  route: string;
  variable: string;
  token: string | null;
  /** Without a token configured: null lets the request through, an error refuses it. */
  whenUnset: (req: Request) => HttpError | null;
}

/** Lets a request through with the gate's token (compared in constant time), else answers 401 or the unset rule. */
function tokenGate(gate: Gate) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (!gate.token) {
      next(gate.whenUnset(req) ?? undefined);
      return;
    }
    const presented = presentedKey(req.get('authorization'));
    if (presented && sameSecret(presented, gate.token)) {
      next();
      return;
    }
    next(
      new HttpError(
        401,
        presented ? 'BAD_TOKEN' : 'MISSING_TOKEN',
        `${presented ? `the token is not ${gate.variable}: ` : ''}${gate.route} needs "Authorization: Bearer <${gate.variable}>"`,
        [],
        { 'WWW-Authenticate': `Bearer realm="pulse${gate.route.replace(/^\/(v1\/)?/, '-')}"` },
      ),
    );
  };
}

/** Lets a request through to `/v1/status` only with the admin token. */
export function requireAdmin(access: AccessConfig) {
  return tokenGate({
    route: '/v1/status',
    variable: 'PULSE_ADMIN_TOKEN',
    token: access.adminToken,
    whenUnset: () =>
      new HttpError(
        403,
        'ADMIN_NOT_CONFIGURED',
        '/v1/status is off: set PULSE_ADMIN_TOKEN (any long random text) and send it as "Authorization: Bearer <token>"',
      ),
  });
}

/** Lets a scrape through to `/metrics` with the scrape token, or from loopback when no token is set. */
export function requireScraper(access: AccessConfig) {
  return tokenGate({
    route: '/metrics',
    variable: 'PULSE_METRICS_TOKEN',
    token: access.metricsToken,
    whenUnset: (req) =>
      isLoopbackClient(req)
        ? null
        : new HttpError(
            403,
            'METRICS_LOOPBACK_ONLY',
            '/metrics answers clients on this machine only: set PULSE_METRICS_TOKEN to scrape from elsewhere',
          ),
  });
}
