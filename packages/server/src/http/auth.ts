import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../log';
import { findApiKey, touchApiKey } from '../store/apiKeys';
import type { Db } from '../store/db';
import { HttpError } from './httpError';

/** How often a key's last_used_at is written at most (it is a write on the hot path). */
const TOUCH_EVERY_MS = 60_000;

/** The key a request carries: `Authorization: Bearer <key>`, or Basic with the key as user (Segment's write-key style). */
export function presentedKey(header: string | undefined): string | null {
  if (!header) return null;
  const [scheme, value] = header.trim().split(/\s+/, 2);
  if (!value) return null;
  if (/^bearer$/i.test(scheme ?? '')) return value;
  if (/^basic$/i.test(scheme ?? '')) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const user = decoded.split(':')[0];
    return user || null;
  }
  return null;
}

/**
 * Authenticates an ingestion request by its key and sets `res.locals.orgId` and `keyPrefix`.
 * 401 when the key is missing, unknown or revoked (and `onRefused` is told). The key itself is never logged.
 */
export function requireApiKey(
  db: Db,
  now: () => Date,
  log: Logger,
  /** Told of each refused request (missing, unknown or revoked key) before it is answered. */
  onRefused?: (req: Request) => Promise<void>,
) {
  const touched = new Map<string, number>();
  return (req: Request, res: Response, next: NextFunction): void => {
    const refuse = (e: unknown): void => {
      if (!(e instanceof HttpError && e.status === 401) || !onRefused) return next(e);
      onRefused(req).then(
        () => next(e),
        (countFailed: unknown) => next(countFailed),
      );
    };
    const key = presentedKey(req.get('authorization'));
    if (!key) {
      refuse(
        new HttpError(
          401,
          'MISSING_KEY',
          'no API key: send "Authorization: Bearer <key>" (create a key with: npx pulse keys create)',
          [],
          { 'WWW-Authenticate': 'Bearer realm="pulse"' },
        ),
      );
      return;
    }
    findApiKey(db, key)
      .then((row) => {
        if (!row) {
          throw new HttpError(
            401,
            'UNKNOWN_KEY',
            'the API key is not known: check it, or create one with npx pulse keys create',
            [],
            {
              'WWW-Authenticate': 'Bearer realm="pulse", error="invalid_token"',
            },
          );
        }
        if (row.revokedAt) {
          throw new HttpError(
            401,
            'REVOKED_KEY',
            `the API key ${row.prefix}… was revoked: create a new one with npx pulse keys create`,
            [],
            { 'WWW-Authenticate': 'Bearer realm="pulse", error="invalid_token"' },
          );
        }
        res.locals.orgId = row.orgId;
        res.locals.keyPrefix = row.prefix;
        const t = now().getTime();
        if ((touched.get(row.prefix) ?? 0) + TOUCH_EVERY_MS <= t) {
          touched.set(row.prefix, t);
          touchApiKey(db, row.orgId, row.prefix, now()).catch((e: unknown) =>
            log.warn({ err: (e as Error).message, key: row.prefix }, 'could not record key use'),
          );
        }
        next();
      })
      .catch(refuse);
  };
}

/**
 * 403 when the request names an org (path `:org`, header `X-Pulse-Org`, body `org`) other than
 * its key's: a key writes to its own org only.
 */
export function checkOrg(req: Request, res: Response): void {
  const keyOrg = res.locals.orgId as string;
  const named: Array<[string, unknown]> = [
    ['path', req.params.org],
    ['X-Pulse-Org header', req.get('x-pulse-org')],
    ['body org', (req.body as { org?: unknown } | undefined)?.org],
  ];
  for (const [where, org] of named) {
    if (org !== undefined && org !== keyOrg) {
      throw new HttpError(
        403,
        'WRONG_ORG',
        `the ${where} names org ${String(org)}, but this API key belongs to another org: use that org's key`,
      );
    }
  }
}
