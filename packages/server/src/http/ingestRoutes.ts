import express, { Router, type Request, type Response } from 'express';
import type { Db } from '../store/db';
import { ingestEventItems } from '../ingest/events';
import { MAX_BATCH_ITEMS, type IngestReportBody, type IngestResult } from '../ingest/schemas';
import { ingestSegmentMessages, segmentMessages } from '../ingest/segment';
import type { Logger } from '../log';
import { asyncRoute } from './asyncRoute';
import { checkOrg, requireApiKey } from './auth';
import { HttpError } from './httpError';
import type { PulseMetrics } from './metrics';
import { RateLimiter, type RateLimitOptions } from './rateLimit';

/** Ingestion limits and mapping; every field has a default. */
export interface IngestConfig {
  /** Largest request body in bytes (default 1 MB); larger is a 413. */
  maxBodyBytes?: number;
  /** Requests per key (default 20/s, bursts of 40: with 1,000-item batches, 20,000 events/s); false turns it off. */
  rateLimit?: RateLimitOptions | false;
  /** Segment track event names → activity types, added to DEFAULT_TRACK_EVENTS. */
  trackEvents?: Record<string, string>;
}

/** 1 MB: a 1,000-item batch of typical events is ~250 KB, so this leaves room without inviting abuse. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** See IngestConfig.rateLimit. */
export const DEFAULT_RATE_LIMIT: RateLimitOptions = { perSecond: 20, burst: 40 };

function requireJson(req: Request, _res: Response, next: (e?: unknown) => void): void {
  if (!req.is('application/json')) {
    next(new HttpError(415, 'NOT_JSON', 'send the body as JSON with "Content-Type: application/json"'));
    return;
  }
  next();
}

function checkCount(n: number, path: string): void {
  if (n > MAX_BATCH_ITEMS) {
    throw new HttpError(
      413,
      'TOO_MANY_ITEMS',
      `${path} has ${n} items; at most ${MAX_BATCH_ITEMS} per request: split the batch`,
    );
  }
  if (n === 0)
    throw new HttpError(400, 'EMPTY_BATCH', `${path} is empty: send 1 to ${MAX_BATCH_ITEMS} items`, [
      { path, message: 'empty' },
    ]);
}

/** `POST /v1/events` and `POST /v1/segment` (also under `/v1/orgs/:org/`), authenticated by API key. */
export function ingestRouter(
  db: Db,
  now: () => Date,
  log: Logger,
  metrics: PulseMetrics,
  config: IngestConfig = {},
): Router {
  const router = Router();
  const limiter = config.rateLimit === false ? null : new RateLimiter(db, config.rateLimit ?? DEFAULT_RATE_LIMIT, now);
  const json = express.json({ limit: config.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES });
  const limited = (wait: number, what: string): HttpError =>
    new HttpError(429, 'RATE_LIMITED', `too many requests ${what}: retry in ${wait} s`, [], {
      'Retry-After': String(wait),
    });
  // Before the key is looked up: the address's share, and its failed sign-ins (unknown keys cost a lookup each).
  const addressLimit = asyncRoute(async (req, _res, next) => {
    if (!limiter) return next();
    const ip = req.ip ?? 'unknown';
    const failed = await limiter.signInWait(ip);
    if (failed > 0) return next(limited(failed, 'with keys that are not valid from this address'));
    const wait = await limiter.address(ip);
    next(wait > 0 ? limited(wait, 'from this address') : undefined);
  });
  const keyLimit = asyncRoute(async (_req, res, next) => {
    const wait = limiter ? await limiter.key(res.locals.keyPrefix as string) : 0;
    next(wait > 0 ? limited(wait, 'for this key, or send bigger batches') : undefined);
  });
  const onSignInFailed = limiter ? (req: Request) => limiter.signInFailed(req.ip ?? 'unknown') : undefined;
  const guard = [addressLimit, requireApiKey(db, now, log, onSignInFailed), keyLimit, requireJson, json];

  const answer = (res: Response, result: IngestResult, what: string): void => {
    metrics.ingestEvents.inc({ result: 'accepted' }, result.accepted);
    metrics.ingestEvents.inc({ result: 'rejected' }, result.rejected);
    metrics.ingestEvents.inc({ result: 'unresolved' }, result.unresolved);
    res.locals.logFields = { accepted: result.accepted, rejected: result.rejected, unresolved: result.unresolved };
    // Field by field: what an item matched (or that it matched nothing) would tell the key holder who is a customer.
    const report: IngestReportBody = { accepted: result.accepted, rejected: result.rejected, items: result.items };
    if (report.rejected === 0) res.status(200).json(report);
    else if (report.accepted > 0) res.status(207).json(report);
    else
      res.status(400).json({ error: `no ${what} was accepted: each item says why`, code: 'NO_VALID_ITEMS', ...report });
  };

  const events = asyncRoute(async (req, res) => {
    checkOrg(req, res);
    const body = req.body as unknown;
    if (
      typeof body !== 'object' ||
      body === null ||
      Array.isArray(body) ||
      !Array.isArray((body as { events?: unknown }).events)
    ) {
      throw new HttpError(400, 'BAD_BODY', 'the body must be an object with an "events" array: { "events": [ ... ] }', [
        { path: 'events', message: 'required: an array of events' },
      ]);
    }
    const items = (body as { events: unknown[] }).events;
    checkCount(items.length, 'events');
    answer(res, await ingestEventItems(db, res.locals.orgId as string, items, now()), 'event');
  });

  const segment = asyncRoute(async (req, res) => {
    checkOrg(req, res);
    const body = req.body as unknown;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new HttpError(400, 'BAD_BODY', 'the body must be one Segment message or { "batch": [ ... ] }');
    }
    const { messages, context } = segmentMessages(body as Record<string, unknown>);
    checkCount(messages.length, 'batch');
    const report = await ingestSegmentMessages(db, res.locals.orgId as string, messages, now(), {
      ...(config.trackEvents ? { trackEvents: config.trackEvents } : {}),
      ...(context ? { context } : {}),
    });
    answer(res, report, 'message');
  });

  router.post('/v1/events', ...guard, events);
  router.post('/v1/orgs/:org/events', ...guard, events);
  router.post('/v1/segment', ...guard, segment);
  router.post('/v1/orgs/:org/segment', ...guard, segment);
  return router;
}
