/**
 * A local Marketo Engage REST emulator: the identity endpoint (client credentials), activity
 * types, date-based paging tokens, activities paged by nextPageToken/moreResult, leads by
 * filter, Marketo's limits (100 calls per 20 s, 10 in flight, a daily quota) answered as
 * HTTP 200 `success:false` bodies with the documented codes, switchable faults and a call log.
 * Docs: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/ (see README.md).
 */
import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import { CallLog, recordCall, type Call } from '../kit/callLog';
import { makeClock, type Clock, type ClockSource } from '../kit/clock';
import { listen } from '../kit/server';
import { TokenBook } from '../kit/tokens';
import type { MapSeed } from '../mapSeed';
import {
  ACTIVITY_TYPES,
  DEFAULT_LEAD_FIELDS,
  LEAD_FIELD_NAMES,
  LEAD_FILTER_TYPES,
  MarketoData,
  decodeToken,
  encodeToken,
  type MarketoLeadRecord,
} from './data';
import { MarketoFaults } from './faults';

/** One answered call. Secrets (client_secret, access_token) are never logged. */
export interface MarketoCall extends Call {
  query: Record<string, string>;
  /** Marketo's response-level error code, or null on success. */
  code: string | null;
  /** Activities or leads in the answer's `result`. */
  results: number;
}

/** Options of `startMarketoEmulator`. */
export interface MarketoEmulatorOptions {
  seed: MapSeed;
  /** 0 (default) = a free port. */
  port?: number;
  host?: string;
  /** The instance's clock: activities after it are not served yet; tokens expire by it. Default: wall clock. */
  now?: ClockSource;
  clientId?: string;
  clientSecret?: string;
  /** Access token lifetime (Marketo: 3600 s). */
  tokenTtlSeconds?: number;
  /** Calls per rolling window before 606 (Marketo: 100 per 20 s); null switches the limiter off. */
  rateLimit?: { calls: number; windowMs: number } | null;
  /** Calls in flight before 615 (Marketo: 10). */
  maxConcurrent?: number;
  /** Successful calls per instance before 607 (Marketo's default subscription: 50,000). */
  dailyQuota?: number;
  /** Serve New Lead and Email Delivered activities too (default true), so pages come back short as Marketo's do. */
  noise?: boolean;
  /** Static lists by id (default one: 1001 "Pulse: cooling accounts"). */
  lists?: Record<string, string>;
}

/** A static list: its name and its members' lead ids. */
export interface MarketoStaticList {
  name: string;
  members: Set<number>;
}

/** A running emulator. */
export interface MarketoEmulator {
  /** The instance's REST host (what the connector's `baseUrl` is set to). */
  url: string;
  credentials: { baseUrl: string; clientId: string; clientSecret: string };
  calls: CallLog<MarketoCall>;
  faults: MarketoFaults;
  /** The instance's clock (`advance()` moves token expiry and what is served on). */
  clock: Clock;
  data: MarketoData;
  /** Static lists by id (tests read members and add lists). */
  lists: Map<string, MarketoStaticList>;
  /** Successful REST calls so far (what the daily quota counts). */
  usage(): number;
  close(): Promise<void>;
}

/** Longest URI Marketo accepts before 414 (8 KB). */
const MAX_URI = 8 * 1024;
/** Most activityTypeIds and filterValues per call, and the largest batchSize. */
const MAX_TYPE_IDS = 10;
const MAX_BATCH = 300;

/** Starts an emulator serving `opts.seed` (see README.md for routes, faults and choices). */
export async function startMarketoEmulator(opts: MarketoEmulatorOptions): Promise<MarketoEmulator> {
  const clientId = opts.clientId ?? 'pulse-marketo-client';
  const clientSecret = opts.clientSecret ?? 'pulse-marketo-secret';
  const ttl = opts.tokenTtlSeconds ?? 3600;
  const rate = opts.rateLimit === undefined ? { calls: 100, windowMs: 20_000 } : opts.rateLimit;
  const maxConcurrent = opts.maxConcurrent ?? 10;
  const dailyQuota = opts.dailyQuota ?? 50_000;
  const instanceClock = makeClock(opts.now);
  const clock = () => instanceClock.now();
  const data = MarketoData.fromSeed(opts.seed, { noise: opts.noise });
  const tokens = new TokenBook(instanceClock, ttl * 1000);
  const faults = new MarketoFaults(tokens);
  const calls = new CallLog<MarketoCall>();
  const lists = new Map<string, MarketoStaticList>(
    Object.entries(opts.lists ?? { '1001': 'Pulse: cooling accounts' }).map(([id, name]) => [
      id,
      { name, members: new Set<number>() },
    ]),
  );
  let current: string | null = null;
  const recent: number[] = [];
  let used = 0;
  let inFlight = 0;
  let requestSeq = 0x1e42;

  const requestId = () => `${(requestSeq++).toString(16)}#${Date.now().toString(16)}`;
  const ok = (res: Response, body: object) => res.json({ requestId: requestId(), success: true, ...body });
  const fail = (res: Response, code: string, message: string) => {
    res.locals.code = code;
    res.json({ requestId: requestId(), success: false, errors: [{ code, message }] });
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');

  app.use((req, res, next) => {
    recordCall(calls, req, res, (call) => {
      const query: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.query))
        if (k !== 'client_secret' && k !== 'access_token') query[k] = String(v);
      const code = (res.locals.code as string | undefined) ?? null;
      return { ...call, query, code, results: (res.locals.results as number | undefined) ?? 0 };
    });
    if (req.originalUrl.length > MAX_URI) {
      res.status(414).type('html').send('<html><body><h1>414 Request-URI Too Large</h1></body></html>');
      return;
    }
    const status = faults.http.take();
    if (status !== null) {
      res
        .status(status)
        .type('html')
        .send(`<html><body><h1>${status} Service Temporarily Unavailable</h1></body></html>`);
      return;
    }
    next();
  });

  // POST …?_method=GET with a form body is Marketo's way round 414 for long GETs.
  app.use(express.urlencoded({ extended: false, limit: '1mb' }));
  const params = (req: Request): Record<string, string> => {
    const out: Record<string, string> = {};
    const add = (src: unknown) => {
      if (src && typeof src === 'object')
        for (const [k, v] of Object.entries(src as Record<string, unknown>))
          out[k] = Array.isArray(v) ? v.map(String).join(',') : String(v);
    };
    add(req.query);
    if (req.method === 'POST') add(req.body);
    return out;
  };

  // Identity: GET (or POST) /identity/oauth/token?grant_type=client_credentials&client_id&client_secret.
  app.all('/identity/oauth/token', (req, res) => {
    const p = params(req);
    if (p.grant_type !== 'client_credentials') {
      res
        .status(400)
        .json({ error: 'unsupported_grant_type', error_description: `Unsupported grant type: ${p.grant_type ?? ''}` });
      return;
    }
    if (p.client_id !== clientId || p.client_secret !== clientSecret) {
      res.status(401).json({ error: 'invalid_client', error_description: 'Bad client credentials' });
      return;
    }
    const now = clock().getTime();
    // Asking again before expiry returns the same token with its remaining life.
    let t = current ? tokens.live(current) : null;
    if (!current || !t) {
      current = `${randomUUID()}:int`;
      t = tokens.issue(current, {}, now);
    }
    res.json({
      access_token: current,
      token_type: 'bearer',
      expires_in: Math.max(0, Math.ceil((t.expiresAt - now) / 1000) - 1),
      scope: 'pulse-api@example.com',
    });
  });

  // Every REST call: token, then faults and limits, in the order Marketo reports them.
  app.use('/rest', (req: Request, res: Response, next: NextFunction) => {
    inFlight++;
    res.on('close', () => inFlight--);
    // List membership is changed by POST (add) and DELETE (remove); elsewhere POST only stands for a long GET.
    const listCall =
      /^\/v1\/lists\/[^/]+\/leads\.json$/.test(req.path) && (req.method === 'POST' || req.method === 'DELETE');
    if (req.method === 'POST' && req.query._method !== 'GET' && !listCall) {
      fail(res, '605', 'HTTP Method not supported');
      return;
    }
    const header = /^Bearer (.+)$/i.exec(req.get('authorization') ?? '')?.[1];
    const t = header ? tokens.check(header).state : 'unknown';
    // The access_token query parameter is no longer supported: only the header authenticates.
    if (t === 'unknown') return fail(res, '601', 'Access token invalid');
    if (t === 'expired') return fail(res, '602', 'Access token expired');
    if (faults.dailyQuota || used >= dailyQuota) return fail(res, '607', 'Daily quota reached');
    const forced = faults.codes.take(req.path);
    if (forced) return fail(res, forced.code, forced.message);
    if (inFlight > maxConcurrent) return fail(res, '615', 'Concurrent access limit reached');
    if (rate) {
      const now = Date.now();
      while (recent.length > 0 && recent[0]! <= now - rate.windowMs) recent.shift();
      if (recent.length >= rate.calls)
        return fail(res, '606', `Max rate limit '${rate.calls}' exceeded with in '${rate.windowMs / 1000}' secs`);
      recent.push(now);
    }
    used++;
    // A slow answer stays in flight, so concurrent callers meet the 615 limit.
    if (faults.slowMs > 0) setTimeout(next, faults.slowMs);
    else next();
  });

  app.get('/rest/v1/activities/types.json', (_req, res) => ok(res, { result: ACTIVITY_TYPES }));

  app.all('/rest/v1/activities/pagingtoken.json', (req, res) => {
    const since = params(req).sinceDatetime;
    if (!since) return fail(res, '701', 'sinceDatetime cannot be blank');
    const ms = Date.parse(since);
    if (!/^\d{4}-\d{2}-\d{2}/.test(since) || Number.isNaN(ms)) return fail(res, '704', 'Invalid date format');
    // A date token: activities at or after the date (id -1 sorts before every activity of that instant).
    ok(res, { nextPageToken: encodeToken({ ms, id: -1 }) });
  });

  app.all('/rest/v1/activities.json', (req, res) => {
    const p = params(req);
    if (!p.nextPageToken) return fail(res, '701', 'nextPageToken cannot be blank');
    if (!p.activityTypeIds) return fail(res, '701', 'activityTypeIds cannot be blank');
    const ids = p.activityTypeIds.split(',').map((s) => s.trim());
    if (ids.some((s) => !/^\d+$/.test(s)))
      return fail(res, '1001', `Invalid value '${p.activityTypeIds}'. Required of type 'Integer'`);
    if (ids.length > MAX_TYPE_IDS) return fail(res, '1003', `Too many activity types (max ${MAX_TYPE_IDS})`);
    const batch = p.batchSize ? Number(p.batchSize) : MAX_BATCH;
    if (!Number.isInteger(batch) || batch < 1 || batch > MAX_BATCH)
      return fail(res, '1003', `Invalid batchSize '${p.batchSize}' (1 to ${MAX_BATCH})`);
    const pos = decodeToken(p.nextPageToken);
    if (!pos) return fail(res, '1003', `Invalid paging token '${p.nextPageToken}'`);
    const wanted = new Set(ids.map(Number));
    const nowMs = clock().getTime();
    // Marketo scans `batch` activities of every type from the token and returns those of the
    // asked types: a page can be short or empty while moreResult is still true.
    const start = data.indexAfter(pos);
    let end = start;
    while (end < data.activities.length && end - start < batch && data.activities[end]!.ms <= nowMs) end++;
    const scanned = data.activities.slice(start, end);
    const result = scanned.filter((a) => wanted.has(a.activityTypeId)).map(({ ms: _ms, ...a }) => a);
    const lastScanned = scanned[scanned.length - 1];
    const next = lastScanned ? { ms: lastScanned.ms, id: lastScanned.id } : pos;
    const after = data.activities[end];
    const moreResult = after !== undefined && after.ms <= nowMs;
    res.locals.results = result.length;
    const malformed = faults.malformed.take();
    if (malformed === 'truncated') {
      const text = JSON.stringify({
        requestId: requestId(),
        success: true,
        result,
        nextPageToken: encodeToken(next),
        moreResult,
      });
      res.type('json').send(text.slice(0, Math.max(20, Math.floor(text.length / 2))));
      return;
    }
    if (malformed === 'shape') {
      res.json({ requestId: requestId(), success: true, result: { activities: result }, moreResult });
      return;
    }
    // Pages with nothing of the asked types come without a `result` key.
    ok(res, { ...(result.length > 0 ? { result } : {}), nextPageToken: encodeToken(next), moreResult });
  });

  app.all('/rest/v1/leads.json', (req, res) => {
    const p = params(req);
    if (!p.filterType) return fail(res, '1003', 'filterType cannot be blank');
    if (!p.filterValues) return fail(res, '1003', 'filterValues cannot be blank');
    const filterType = p.filterType as (typeof LEAD_FILTER_TYPES)[number];
    if (!LEAD_FILTER_TYPES.includes(filterType)) return fail(res, '1011', `Field '${p.filterType}' not supported`);
    const values = p.filterValues.split(',').map((s) => s.trim());
    if (values.length > MAX_BATCH) return fail(res, '1003', `Too many filterValues (max ${MAX_BATCH})`);
    const fields = (p.fields ? p.fields.split(',').map((s) => s.trim()) : [...DEFAULT_LEAD_FIELDS]) as Array<
      keyof MarketoLeadRecord
    >;
    const unknown = fields.find((f) => !LEAD_FIELD_NAMES.includes(f));
    if (unknown) return fail(res, '1006', `Field '${unknown}' not found`);
    const batch = p.batchSize ? Number(p.batchSize) : MAX_BATCH;
    if (!Number.isInteger(batch) || batch < 1 || batch > MAX_BATCH)
      return fail(res, '1003', `Invalid batchSize '${p.batchSize}' (1 to ${MAX_BATCH})`);
    const wanted = new Set(values.map((v) => (filterType === 'email' ? v.toLowerCase() : v)));
    const matches = [...data.leads.values()].filter((l) => {
      const v = filterType === 'id' ? String(l.id) : filterType === 'email' ? l.email?.toLowerCase() : l[filterType];
      return v !== null && v !== undefined && wanted.has(v);
    });
    if (matches.length > 1000) return fail(res, '1003', 'Too many results match the filter');
    const offset = p.nextPageToken ? (decodeToken(p.nextPageToken)?.id ?? -1) : 0;
    if (offset < 0) return fail(res, '1003', `Invalid paging token '${p.nextPageToken}'`);
    const page = matches.slice(offset, offset + batch);
    const result = page.map((l) => Object.fromEntries(fields.map((f) => [f, l[f]])));
    res.locals.results = result.length;
    const more = offset + batch < matches.length;
    // Position-based token for the next page of this result set.
    ok(res, {
      result,
      ...(more ? { nextPageToken: encodeToken({ ms: 0, id: offset + batch }), moreResult: true } : {}),
    });
  });

  // List membership: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/list-membership
  // ≤300 lead ids as repeated `id` query parameters (or a JSON body {input: [{id}]}); a status per id.
  app.use('/rest/v1/lists/:listId/leads.json', express.json({ limit: '1mb' }));
  const listChange = (req: Request, res: Response) => {
    const list = lists.get(req.params.listId ?? '');
    if (!list) return fail(res, '1013', `Static list '${req.params.listId}' not found`);
    const raw = req.query.id;
    const fromQuery = raw === undefined ? [] : (Array.isArray(raw) ? raw : [raw]).map(String);
    const input = (req.body as { input?: { id?: unknown }[] } | undefined)?.input;
    const fromBody = Array.isArray(input) ? input.map((i) => String(i.id)) : [];
    const ids = [...fromQuery.flatMap((v) => v.split(',')), ...fromBody].map((v) => v.trim()).filter(Boolean);
    if (ids.length === 0) return fail(res, '1003', 'id cannot be blank');
    if (ids.length > MAX_BATCH) return fail(res, '1003', `Too many ids (max ${MAX_BATCH})`);
    if (ids.some((v) => !/^\d+$/.test(v)))
      return fail(res, '1001', `Invalid value '${ids.join(',')}'. Required of type 'Integer'`);
    const add = req.method === 'POST';
    const result = ids.map(Number).map((id) => {
      if (!data.leads.has(id)) return { id, status: 'skipped', reasons: [{ code: '1004', message: 'Lead not found' }] };
      if (add) {
        list.members.add(id);
        return { id, status: 'added' };
      }
      if (!list.members.delete(id))
        return { id, status: 'skipped', reasons: [{ code: '1015', message: 'Lead not in list' }] };
      return { id, status: 'removed' };
    });
    res.locals.results = result.length;
    ok(res, { result });
  };
  app.post('/rest/v1/lists/:listId/leads.json', listChange);
  app.delete('/rest/v1/lists/:listId/leads.json', listChange);
  app.get('/rest/v1/lists/:listId/leads.json', (req, res) => {
    const list = lists.get(req.params.listId ?? '');
    if (!list) return fail(res, '1013', `Static list '${req.params.listId}' not found`);
    const result = [...list.members]
      .sort((a, b) => a - b)
      .map((id) => {
        const l = data.leads.get(id)!;
        return { id, email: l.email, firstName: l.firstName, lastName: l.lastName };
      });
    res.locals.results = result.length;
    ok(res, { result });
  });

  app.use('/rest', (_req, res) => fail(res, '610', 'Requested resource not found'));

  const http = await listen(app, { port: opts.port, host: opts.host });
  return {
    url: http.url,
    credentials: { baseUrl: http.url, clientId, clientSecret },
    calls,
    faults,
    clock: instanceClock,
    data,
    lists,
    usage: () => used,
    close: http.close,
  };
}
