/**
 * A local HubSpot: OAuth refresh and private-app tokens, CRM v3 contacts/companies (list and
 * batch read), legacy email events and campaigns, forms and form submissions, and the Events
 * API v3 (`e_visited_page`), with HubSpot's error bodies, 429 policies, rate-limit headers,
 * switchable faults and a call log. What it implements, with doc links: README.md.
 */
import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import { CallLog, recordCall } from '../kit/callLog';
import { makeClock, type Clock, type ClockSource } from '../kit/clock';
import { listen } from '../kit/server';
import { TokenBook } from '../kit/tokens';
import type { MapSeed } from '../mapSeed';
import { buildPortal, type CrmRecord, type Portal } from './data';
import { HubspotFaults, type HubspotCall, type RateLimitPolicy } from './faults';

export interface HubspotEmulatorOptions {
  seed: MapSeed;
  /** 0 (default) picks a free port. */
  port?: number;
  /** The emulator's clock: token expiry, and nothing that happens after it is served. */
  now?: ClockSource;
  /** OAuth access-token lifetime in seconds (HubSpot: 1800). */
  tokenTtlSeconds?: number;
  /** Burst allowance per rolling 10 s (Enterprise private app: 190). */
  tenSecondlyLimit?: number;
  /** Daily allowance (Enterprise: 1,000,000). */
  dailyLimit?: number;
  /** The clock of the rolling ten-second window, in ms (default: wall clock; tests pass a virtual one). */
  rateClock?: () => number;
  /** Contact lists by ILS list id (default one MANUAL list, 7 "Pulse: cooling accounts"). */
  lists?: Record<string, { name: string; processingType: 'MANUAL' | 'SNAPSHOT' | 'DYNAMIC' }>;
}

/** A contact list: its name, how HubSpot maintains it, and its members' contact ids. */
export interface HubspotList {
  name: string;
  processingType: 'MANUAL' | 'SNAPSHOT' | 'DYNAMIC';
  members: Set<string>;
}

/** What a connector needs to sign in: a private-app token, or the OAuth app and a refresh token. */
export interface HubspotCredentials {
  accessToken: string;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

export interface HubspotEmulator {
  url: string;
  close(): Promise<void>;
  calls: CallLog<HubspotCall>;
  faults: HubspotFaults;
  /** The portal's clock (`advance()` moves token expiry and what is served on). */
  clock: Clock;
  credentials: HubspotCredentials;
  portal: Portal;
  /** Contact lists by id (tests read members). */
  lists: Map<string, HubspotList>;
  /** API calls counted against the daily allowance so far. */
  dailyUsed(): number;
}

const TEN_SECONDS = 10_000;
const CRM_MAX_LIMIT = 100;
const BATCH_MAX = 100;
const EMAIL_EVENTS_MAX_LIMIT = 1000;
const FORMS_MAX_LIMIT = 50;
const WEB_EVENTS_MAX_LIMIT = 100;

/** HubSpot's v3 error body. */
function sendError(res: Response, status: number, category: string, message: string, extra: object = {}): void {
  res.status(status).json({ status: 'error', message, correlationId: randomUUID(), category, ...extra });
}

/** The 429 body of each policy, as HubSpot's usage guidelines show it. */
function sendRateLimit(res: Response, policy: RateLimitPolicy, portalId: number): void {
  const what = { DAILY: 'daily', TEN_SECONDLY_ROLLING: 'ten_secondly_rolling', SECONDLY: 'secondly' }[policy];
  res.status(429).json({
    status: 'error',
    message: `You have reached your ${what} limit.`,
    errorType: 'RATE_LIMIT',
    correlationId: randomUUID(),
    policyName: policy,
    requestId: randomUUID(),
    ...(policy === 'SECONDLY' ? { groupName: `publicapi:private-app:${portalId}` } : {}),
  });
}

const encodeCursor = (n: number): string => Buffer.from(`o:${n}`).toString('base64url');
const decodeCursor = (s: unknown): number | null => {
  if (s === undefined || s === '') return 0;
  if (typeof s !== 'string') return null;
  const m = /^o:(\d+)$/.exec(Buffer.from(s, 'base64url').toString());
  return m ? Number(m[1]) : null;
};
const intParam = (v: unknown, dflt: number, max: number): number | null => {
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) return null;
  return Math.min(n, max);
};
/** An ISO 8601 string or epoch ms, as the Events API accepts; NaN when neither. */
const timeParam = (v: unknown): number => {
  if (typeof v !== 'string' || v === '') return NaN;
  return /^\d+$/.test(v) ? Number(v) : Date.parse(v);
};

function project(r: CrmRecord, properties: string[] | null): CrmRecord {
  if (!properties) {
    const { hs_object_id, createdate, lastmodifieddate } = r.properties;
    return {
      ...r,
      properties: {
        hs_object_id: hs_object_id ?? null,
        createdate: createdate ?? null,
        lastmodifieddate: lastmodifieddate ?? null,
      },
    };
  }
  const props: Record<string, string | null> = {};
  for (const p of properties) if (p in r.properties) props[p] = r.properties[p] ?? null;
  props.hs_object_id = r.id;
  return { ...r, properties: props };
}

/** Starts the emulator. */
export async function startHubspotEmulator(opts: HubspotEmulatorOptions): Promise<HubspotEmulator> {
  const portal = buildPortal(opts.seed);
  const portalClock = makeClock(opts.now);
  const clock = (): number => portalClock.now().getTime();
  const ttl = opts.tokenTtlSeconds ?? 1800;
  const oauthTokens = new TokenBook(portalClock, ttl * 1000);
  const faults = new HubspotFaults(oauthTokens);
  const calls = new CallLog<HubspotCall>();
  const credentials: HubspotCredentials = {
    accessToken: 'pat-na1-7f3c2a10-5b8e-4d2f-9a61-0c4e8b7d2f15',
    clientId: 'e3b1a2c4-0d5f-4a6b-8c7d-9e0f1a2b3c4d',
    clientSecret: 'c0ffee00-1234-4abc-9def-0123456789ab',
    refreshToken: 'na1-4a7b-2c9d-rt-5e6f7a8b9c0d',
  };
  const tenSecondly = opts.tenSecondlyLimit ?? 190;
  const daily = opts.dailyLimit ?? 1_000_000;
  const recent: number[] = [];
  let dailyUsed = 0;
  let tokenN = 0;

  const contactById = new Map(portal.contacts.map((c) => [c.id, c]));
  const contactByEmail = new Map(portal.contacts.map((c) => [c.properties.email ?? '', c]));
  const companyById = new Map(portal.companies.map((c) => [c.id, c]));
  const formById = new Map(portal.forms.map((f) => [f.id, f]));
  const lists = new Map<string, HubspotList>(
    Object.entries(opts.lists ?? { '7': { name: 'Pulse: cooling accounts', processingType: 'MANUAL' as const } }).map(
      ([id, l]) => [id, { ...l, members: new Set<string>() }],
    ),
  );

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use((req, res, next) => {
    const query = Object.fromEntries(Object.entries(req.query).map(([k, v]) => [k, String(v)]));
    recordCall(calls, req, res, (call) => ({ ...call, query }));
    next();
  });

  // https://developers.hubspot.com/docs/api-reference/legacy/authentication/oauth-tokens/v1/refresh-oauth-token
  app.post('/oauth/v1/token', express.urlencoded({ extended: false }), (req, res) => {
    const b = (req.body ?? {}) as Record<string, string>;
    const bad = (status: string, message: string) =>
      res.status(400).json({ status, message, correlationId: randomUUID(), requestId: randomUUID() });
    if (b.grant_type !== 'refresh_token') return bad('BAD_GRANT_TYPE', 'missing or unknown grant type');
    if (b.client_id !== credentials.clientId) return bad('BAD_CLIENT_ID', 'missing or unknown client id');
    if (b.client_secret !== credentials.clientSecret)
      return bad('BAD_CLIENT_SECRET', 'missing or invalid client secret');
    if (b.refresh_token !== credentials.refreshToken)
      return bad('BAD_REFRESH_TOKEN', 'missing or unknown refresh token');
    const token = `CO${(++tokenN).toString().padStart(4, '0')}${randomUUID().replace(/-/g, '')}`;
    oauthTokens.issue(token, {});
    res.json({ token_type: 'bearer', refresh_token: credentials.refreshToken, access_token: token, expires_in: ttl });
  });

  const api = express.Router();
  api.use(express.json({ limit: '5mb' }));
  // Authentication, rate limits and faults, before any endpoint sees the call.
  // https://developers.hubspot.com/docs/api/usage-details , https://developers.hubspot.com/docs/api-reference/error-handling
  api.use((req: Request, res: Response, next: NextFunction) => {
    const auth = req.get('authorization') ?? '';
    const token = /^Bearer (.+)$/i.exec(auth)?.[1];
    const check = token ? oauthTokens.check(token) : null;
    if (token !== credentials.accessToken && (!check || check.state === 'unknown'))
      return sendError(
        res,
        401,
        'INVALID_AUTHENTICATION',
        'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
      );
    if (check?.state === 'expired') {
      const expiredAt = Math.min(check.token.expiresAt, clock());
      const secs = Math.max(0, Math.round((clock() - expiredAt) / 1000));
      return sendError(
        res,
        401,
        'EXPIRED_AUTHENTICATION',
        `The OAuth token used to make this call expired ${secs} second(s) ago.`,
        {
          context: { 'expire time': [new Date(expiredAt).toISOString()] },
        },
      );
    }
    const wall = (opts.rateClock ?? Date.now)();
    while (recent.length > 0 && recent[0]! <= wall - TEN_SECONDS) recent.shift();
    if (faults.dailyExhausted || dailyUsed >= daily) return sendRateLimit(res, 'DAILY', portal.portalId);
    const forced = faults.rate.take(req.path);
    if (forced) return sendRateLimit(res, forced, portal.portalId);
    if (recent.length >= tenSecondly) return sendRateLimit(res, 'TEN_SECONDLY_ROLLING', portal.portalId);
    recent.push(wall);
    dailyUsed++;
    res.set('X-HubSpot-RateLimit-Interval-Milliseconds', String(TEN_SECONDS));
    res.set('X-HubSpot-RateLimit-Max', String(tenSecondly));
    res.set('X-HubSpot-RateLimit-Remaining', String(Math.max(0, tenSecondly - recent.length)));
    // Daily headers are not sent to OAuth apps (HubSpot counts those against the portal).
    if (check?.state !== 'live') {
      res.set('X-HubSpot-RateLimit-Daily', String(daily));
      res.set('X-HubSpot-RateLimit-Daily-Remaining', String(Math.max(0, daily - dailyUsed)));
    }
    const status = faults.server.take(req.path);
    if (status !== null) return sendError(res, status, 'INTERNAL_ERROR', 'internal error');
    if (faults.malformedPage.take(req.path)) {
      res.status(200).type('application/json').send('{"results":[{"id":"1","properties":{"email":');
      return;
    }
    next();
  });

  const crmList = (records: CrmRecord[]) => (req: Request, res: Response) => {
    const limit = intParam(req.query.limit, 10, CRM_MAX_LIMIT);
    const start = decodeCursor(req.query.after);
    if (limit === null || start === null)
      return sendError(
        res,
        400,
        'VALIDATION_ERROR',
        'Invalid input: limit must be a positive integer and after a cursor from paging.next.after',
      );
    const props = typeof req.query.properties === 'string' ? req.query.properties.split(',').filter(Boolean) : null;
    const visible = records.filter((r) => Date.parse(r.createdAt) <= clock());
    const page = visible.slice(start, start + limit).map((r) => project(r, props));
    const next = start + limit < visible.length ? encodeCursor(start + limit) : null;
    res.json({
      results: page,
      ...(next ? { paging: { next: { after: next, link: `${req.baseUrl}${req.path}?after=${next}` } } } : {}),
    });
  };
  // https://developers.hubspot.com/docs/api/crm/contacts (list: GET /crm/v3/objects/contacts)
  api.get('/crm/v3/objects/contacts', crmList(portal.contacts));
  api.get('/crm/v3/objects/companies', crmList(portal.companies));

  // https://developers.hubspot.com/docs/api-reference/latest/crm/objects/objects/batch/get-objects
  const batchRead = (object: 'contacts' | 'companies') => (req: Request, res: Response) => {
    const body = (req.body ?? {}) as { inputs?: Array<{ id?: unknown }>; properties?: unknown; idProperty?: unknown };
    if (!Array.isArray(body.inputs) || body.inputs.some((i) => typeof i?.id !== 'string'))
      return sendError(
        res,
        400,
        'VALIDATION_ERROR',
        'Invalid input JSON on line 1: inputs must be a list of {"id": "<string>"}',
      );
    if (body.inputs.length > BATCH_MAX)
      return sendError(
        res,
        400,
        'VALIDATION_ERROR',
        `Batch input is limited to ${BATCH_MAX} inputs; got ${body.inputs.length}.`,
      );
    const idProperty = typeof body.idProperty === 'string' ? body.idProperty : null;
    if (idProperty && !(object === 'contacts' && idProperty === 'email'))
      return sendError(
        res,
        400,
        'VALIDATION_ERROR',
        `Property ${idProperty} is not a unique identifier property of ${object}.`,
      );
    const props = Array.isArray(body.properties)
      ? body.properties.filter((p): p is string => typeof p === 'string')
      : null;
    const startedAt = new Date().toISOString();
    const found: CrmRecord[] = [];
    const missing: string[] = [];
    const seen = new Set<string>();
    for (const { id } of body.inputs as Array<{ id: string }>) {
      const r =
        object === 'companies'
          ? companyById.get(id)
          : idProperty
            ? contactByEmail.get(id.toLowerCase())
            : contactById.get(id);
      if (r && Date.parse(r.createdAt) <= clock()) {
        if (!seen.has(r.id)) found.push(project(r, props));
        seen.add(r.id);
      } else missing.push(id);
    }
    const out = { status: 'COMPLETE', results: found, startedAt, completedAt: new Date().toISOString() };
    if (missing.length === 0) return res.json(out);
    res.status(207).json({
      ...out,
      numErrors: 1,
      errors: [
        {
          status: 'error',
          category: 'OBJECT_NOT_FOUND',
          message: 'Could not get some CRM objects, they may be deleted or not exist. Check that ids are valid.',
          context: { ids: missing },
        },
      ],
    });
  };
  api.post('/crm/v3/objects/contacts/batch/read', batchRead('contacts'));
  api.post('/crm/v3/objects/companies/batch/read', batchRead('companies'));

  // https://developers.hubspot.com/docs/api-reference/legacy/email-analytics-v1/guide
  api.get('/email/public/v1/events', (req, res) => {
    const start = req.query.startTimestamp === undefined ? 0 : timeParam(req.query.startTimestamp);
    const end = req.query.endTimestamp === undefined ? Infinity : timeParam(req.query.endTimestamp);
    const limit = intParam(req.query.limit, 1000, EMAIL_EVENTS_MAX_LIMIT);
    const offset = decodeCursor(req.query.offset);
    if (Number.isNaN(start) || Number.isNaN(end) || limit === null || offset === null)
      return sendError(
        res,
        400,
        'VALIDATION_ERROR',
        'startTimestamp and endTimestamp are epoch milliseconds; offset comes from a previous response',
      );
    const type = typeof req.query.eventType === 'string' ? req.query.eventType : null;
    const recipient = typeof req.query.recipient === 'string' ? req.query.recipient.toLowerCase() : null;
    const upTo = Math.min(end, clock());
    const matching = portal.emailEvents.filter(
      (e) =>
        e.created >= start &&
        e.created <= upTo &&
        (!type || e.type === type) &&
        (!recipient || e.recipient === recipient),
    );
    const page = matching.slice(offset, offset + limit);
    res.json({ hasMore: offset + limit < matching.length, offset: encodeCursor(offset + page.length), events: page });
  });
  api.get('/email/public/v1/campaigns/:id', (req, res) => {
    const c = portal.campaigns.get(Number(req.params.id));
    if (!c) return sendError(res, 404, 'OBJECT_NOT_FOUND', `No email campaign with id ${req.params.id}`);
    const counters = { sent: 0, delivered: 0, open: 0, click: 0 };
    for (const e of portal.emailEvents)
      if (e.emailCampaignId === c.id && e.created <= clock()) counters[e.type.toLowerCase() as keyof typeof counters]++;
    res.json({ ...c, counters, numIncluded: counters.sent, numQueued: 0, lastUpdatedTime: clock() });
  });

  // https://developers.hubspot.com/docs/api/marketing/forms (GET /marketing/v3/forms)
  api.get('/marketing/v3/forms', (req, res) => {
    const limit = intParam(req.query.limit, 20, 100);
    const start = decodeCursor(req.query.after);
    if (limit === null || start === null) return sendError(res, 400, 'VALIDATION_ERROR', 'Invalid limit or after');
    const visible = portal.forms.filter((f) => Date.parse(f.createdAt) <= clock());
    const page = visible.slice(start, start + limit).map((f) => ({
      id: f.id,
      name: f.name,
      formType: 'hubspot',
      createdAt: f.createdAt,
      updatedAt: f.createdAt,
      archived: false,
      fieldGroups: [
        {
          groupType: 'default_group',
          richTextType: 'text',
          fields: [
            { objectTypeId: '0-1', name: 'email', label: 'Email', required: true, hidden: false, fieldType: 'email' },
          ],
        },
      ],
    }));
    const next = start + limit < visible.length ? encodeCursor(start + limit) : null;
    res.json({
      results: page,
      ...(next ? { paging: { next: { after: next, link: `/marketing/v3/forms?after=${next}` } } } : {}),
    });
  });

  // https://developers.hubspot.com/docs/api-reference/legacy/marketing/forms/v1/get-form-integrations-v1-submissions-forms-form_guid
  api.get('/form-integrations/v1/submissions/forms/:guid', (req, res) => {
    const form = formById.get(req.params.guid!);
    if (!form) return sendError(res, 404, 'OBJECT_NOT_FOUND', `Form ${req.params.guid} not found`);
    const limit = intParam(req.query.limit, 20, FORMS_MAX_LIMIT);
    const start = decodeCursor(req.query.after);
    if (limit === null || start === null) return sendError(res, 400, 'VALIDATION_ERROR', 'Invalid limit or after');
    const visible = form.submissions.filter((s) => s.submittedAt <= clock());
    const page = visible.slice(start, start + limit);
    const next = start + limit < visible.length ? encodeCursor(start + limit) : null;
    res.json({
      results: page,
      ...(next ? { paging: { next: { after: next, link: `${req.path}?after=${next}` } } } : {}),
    });
  });

  // https://developers.hubspot.com/docs/guides/api/analytics-and-events/event-analytics (Enterprise only)
  api.get('/events/v3/events', (req, res) => {
    if (faults.noWebAnalytics)
      return sendError(
        res,
        403,
        'MISSING_SCOPES',
        "This app hasn't been granted all required scopes to make this call.",
        {
          errors: [
            {
              message: 'One or more of the following scopes are required.',
              context: { requiredScopes: ['analytics.behavioral_events.send'] },
            },
          ],
        },
      );
    const limit = intParam(req.query.limit, 20, WEB_EVENTS_MAX_LIMIT);
    const start = decodeCursor(req.query.after);
    const after = req.query.occurredAfter === undefined ? -Infinity : timeParam(req.query.occurredAfter);
    const before = req.query.occurredBefore === undefined ? Infinity : timeParam(req.query.occurredBefore);
    if (limit === null || start === null || Number.isNaN(after) || Number.isNaN(before))
      return sendError(
        res,
        400,
        'VALIDATION_ERROR',
        'occurredAfter/occurredBefore are ISO 8601 or epoch ms; limit a positive integer',
      );
    const objectType = String(req.query.objectType ?? 'contact').toLowerCase();
    const type = typeof req.query.eventType === 'string' ? req.query.eventType : null;
    const objectId = typeof req.query.objectId === 'string' ? req.query.objectId : null;
    const upTo = Math.min(before, clock() + 1);
    const matching =
      objectType === 'contact' || objectType === '0-1'
        ? portal.webEvents.filter((e) => {
            const t = Date.parse(e.occurredAt);
            return t > after && t < upTo && (!type || e.eventType === type) && (!objectId || e.objectId === objectId);
          })
        : [];
    const page = matching.slice(start, start + limit);
    const next = start + limit < matching.length ? encodeCursor(start + limit) : null;
    res.json({
      results: page,
      ...(next ? { paging: { next: { after: next, link: `/events/v3/events?after=${next}` } } } : {}),
    });
  });

  // Lists v3 memberships: https://developers.hubspot.com/docs/api-reference/legacy/crm/lists/memberships/add-to-list
  // A JSON array of record ids; records that do not exist or already are members are ignored; only
  // MANUAL and SNAPSHOT lists. The answer names what was added, removed and missing.
  const membership = (add: boolean) => (req: Request, res: Response) => {
    const listId = req.params.listId ?? '';
    const list = lists.get(listId);
    if (!list) return sendError(res, 404, 'OBJECT_NOT_FOUND', `List does not exist with listId: ${listId}`);
    if (list.processingType === 'DYNAMIC')
      return sendError(
        res,
        400,
        'VALIDATION_ERROR',
        `List ${listId} has a processingType of DYNAMIC: only MANUAL and SNAPSHOT lists can be edited`,
      );
    const ids: unknown = req.body;
    if (!Array.isArray(ids) || ids.some((i) => typeof i !== 'string' && typeof i !== 'number'))
      return sendError(res, 400, 'VALIDATION_ERROR', 'Invalid input JSON: the body must be an array of record ids');
    const known = new Set(portal.contacts.map((c) => c.id));
    const missing: string[] = [];
    const changed: string[] = [];
    for (const id of ids.map(String)) {
      if (!known.has(id)) missing.push(id);
      else if (add ? !list.members.has(id) : list.members.has(id)) {
        if (add) list.members.add(id);
        else list.members.delete(id);
        changed.push(id);
      }
    }
    res.json({ recordIdsMissing: missing, recordIdsRemoved: add ? [] : changed, recordsIdsAdded: add ? changed : [] });
  };
  api.put('/crm/v3/lists/:listId/memberships/add', membership(true));
  api.put('/crm/v3/lists/:listId/memberships/remove', membership(false));

  api.use((_req: Request, res: Response) => sendError(res, 404, 'OBJECT_NOT_FOUND', 'Resource not found'));
  app.use(api);
  app.use((e: Error & { type?: string }, _req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) return;
    if (e.type === 'entity.parse.failed')
      return sendError(res, 400, 'VALIDATION_ERROR', `Invalid input JSON: ${e.message}`);
    sendError(res, 500, 'INTERNAL_ERROR', e.message);
  });

  const http = await listen(app, { port: opts.port });
  return {
    url: http.url,
    calls,
    faults,
    clock: portalClock,
    credentials,
    portal,
    lists,
    dailyUsed: () => dailyUsed,
    close: http.close,
  };
}
