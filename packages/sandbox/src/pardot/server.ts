/**
 * A local Account Engagement (Pardot) API v5 that serves a generated org's MAP seed as
 * prospects and visitor activities, with v5's headers, paging, error bodies and limits.
 * The wire contract is /work/shared/reference/map-wire-format.md §3 and the v5 docs linked in
 * README.md; where this and Pardot differ, this is wrong.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { CallLog, recordCall } from '../kit/callLog';
import { makeClock, type Clock } from '../kit/clock';
import { listen } from '../kit/server';
import { TokenBook } from '../kit/tokens';
import type { MapSeed } from '../mapSeed';
import { PardotFaults, type PardotCall } from './faults';

export { PardotFaults, type PardotCall } from './faults';

export interface PardotEmulatorOptions {
  seed: MapSeed;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Nothing created after this is visible (default: the wall clock at start). */
  now?: Date;
  /** The business unit the emulator answers for (default 0Uv000000000001CAA). */
  businessUnitId?: string;
  /**
   * Which Bearer tokens are valid. Tests pass the Salesforce emulator's session check so the
   * tokens Salesforce OAuth issued work here and expire with it; by default the emulator
   * accepts tokens from `credentials.issueToken()`.
   */
  validateToken?: (token: string) => boolean;
  /** Calls allowed before code 122 (default 25,000, the Growth edition's allowance). */
  dailyLimit?: number;
  /** A token chain stops after this many records with `Pardot-Warning: 203` (default 100,000). */
  chainCap?: number;
  /** The API user's timezone offset, in minutes from UTC, for rendered datetimes (default -300). */
  utcOffsetMinutes?: number;
  /** Holds every answer this long, so concurrent requests overlap (default 0). */
  latencyMs?: number;
  /** The clock page tokens age by (default the wall clock); a token older than 4 hours answers 210. */
  clock?: () => Date;
  /** Static lists by id (default one: 2001 "Pulse: cooling accounts"). */
  lists?: Record<string, string>;
}

/** A static list: its name and its memberships (membership id → prospect id). */
export interface PardotList {
  name: string;
  memberships: Map<number, number>;
}

export interface PardotEmulator {
  url: string;
  calls: CallLog<PardotCall>;
  faults: PardotFaults;
  /** The clock page tokens age by (`advance()` ages them). */
  clock: Clock;
  credentials: { baseUrl: string; businessUnitId: string; issueToken(): string };
  /** The prospect id minted for a seed email. */
  prospectId(email: string): number | undefined;
  /** Moves a prospect to the recycle bin: queries no longer return it (its activities stay). */
  deleteProspect(id: number): void;
  /** Static lists by id (tests read members). */
  lists: Map<number, PardotList>;
  close(): Promise<void>;
}

interface Prospect {
  id: number;
  email: string;
  firstName: string;
  lastName: string;
  jobTitle: string | null;
  department: string | null;
  company: string | null;
  salesforceId: string | null;
  salesforceLeadId: string | null;
  salesforceContactId: string | null;
  salesforceAccountId: string | null;
  createdAt: number;
  updatedAt: number;
}

interface Activity {
  id: number;
  type: number;
  typeName: string;
  prospectId: number;
  visitorId: number;
  createdAt: number;
  details: string | null;
  campaignId: number | null;
  campaign: { id: number; name: string } | null;
  emailId: number | null;
  listEmailId: number | null;
  formId: number | null;
  formHandlerId: number | null;
  landingPageId: number | null;
  fileId: number | null;
  customRedirectId: number | null;
  visitorPageViewId: number | null;
  updatedAt: number;
}

interface PageView {
  id: number;
  url: string | null;
  title: string | null;
  visitorId: number;
  createdAt: number;
  updatedAt: number;
}

/** A query a page token continues: the same filters, order and limit, from a position. */
interface Chain {
  collection: Collection;
  filters: Filter[];
  order: Array<{ field: string; desc: boolean }>;
  limit: number;
  /** The last row returned: the next page starts after it in the chain's order. */
  after: Row | null;
  served: number;
}

type Collection = 'visitor-activities' | 'prospects' | 'visitor-page-views';
type Row = Record<string, unknown> & { id: number };
interface Filter {
  field: string;
  op: 'eq' | 'gt' | 'gte' | 'lt' | 'lte';
  value: number;
}

export const PROSPECT_ID_BASE = 1_000_000;
export const ACTIVITY_ID_BASE = 50_000_000;
/** v5 page tokens expire after 4 hours. */
export const PAGE_TOKEN_TTL_MS = 4 * 3_600_000;
const DEFAULT_BU = '0Uv000000000001CAA';

/** Seed activity kinds → Pardot visitor-activity type code and name. */
const TYPES: Record<MapSeed['activities'][number]['type'], { type: number; typeName: string }> = {
  email_send: { type: 6, typeName: 'Sent' },
  email_open: { type: 11, typeName: 'Open' },
  email_click: { type: 1, typeName: 'Click' },
  form_fill: { type: 4, typeName: 'Success' },
  web_visit: { type: 2, typeName: 'View' },
  content_download: { type: 1, typeName: 'Click' },
};

const FIELDS: Record<Collection, Set<string>> = {
  'visitor-activities': new Set([
    'id',
    'type',
    'typeName',
    'prospectId',
    'visitorId',
    'createdAt',
    'updatedAt',
    'details',
    'campaignId',
    'campaign.id',
    'campaign.name',
    'emailId',
    'listEmailId',
    'formId',
    'formHandlerId',
    'landingPageId',
    'fileId',
    'customRedirectId',
    'visitorPageViewId',
  ]),
  'visitor-page-views': new Set(['id', 'url', 'title', 'visitorId', 'createdAt', 'updatedAt']),
  prospects: new Set([
    'id',
    'email',
    'firstName',
    'lastName',
    'jobTitle',
    'department',
    'company',
    'salesforceId',
    'salesforceLeadId',
    'salesforceContactId',
    'salesforceAccountId',
    'createdAt',
    'updatedAt',
  ]),
};
const SORTABLE = new Set(['id', 'createdAt', 'updatedAt']);
const FILTERS: Record<string, Filter['op']> = {
  '': 'eq',
  GreaterThan: 'gt',
  GreaterThanOrEqualTo: 'gte',
  LessThan: 'lt',
  LessThanOrEqualTo: 'lte',
  After: 'gt',
  AfterOrEqualTo: 'gte',
  Before: 'lt',
  BeforeOrEqualTo: 'lte',
};
const FILTER_FIELDS: Record<Collection, Set<string>> = {
  'visitor-activities': new Set(['id', 'createdAt', 'updatedAt', 'prospectId', 'type']),
  prospects: new Set(['id', 'createdAt', 'updatedAt']),
  'visitor-page-views': new Set(['id', 'createdAt', 'visitorId']),
};
const DATE_FIELDS = new Set(['createdAt', 'updatedAt']);

/** A small deterministic id for a name (emails, forms, files share one space per kind). */
function nameId(name: string, base: number): number {
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return base + (h % 900_000);
}

/** Mints prospects (in seed order) and visitor activities (oldest first) from the seed. */
function build(seed: MapSeed): {
  prospects: Prospect[];
  activities: Activity[];
  pageViews: PageView[];
  byEmail: Map<string, Prospect>;
} {
  const byEmail = new Map<string, Prospect>();
  const prospects: Prospect[] = [];
  for (const p of seed.people) {
    const key = p.email.toLowerCase();
    if (byEmail.has(key)) continue;
    const crm = p.salesforceId || null;
    const created = Date.parse(p.createdAt);
    const pr: Prospect = {
      id: PROSPECT_ID_BASE + prospects.length + 1,
      email: p.email,
      firstName: p.firstName,
      lastName: p.lastName,
      jobTitle: p.title,
      department: p.department,
      company: p.company,
      salesforceId: crm,
      salesforceLeadId: crm && p.kind === 'lead' ? crm : null,
      salesforceContactId: crm && p.kind === 'contact' ? crm : null,
      salesforceAccountId: p.salesforceAccountId,
      createdAt: created,
      updatedAt: created,
    };
    prospects.push(pr);
    byEmail.set(key, pr);
  }
  const activities: Activity[] = [];
  const pageViews: PageView[] = [];
  for (const a of seed.activities) {
    const pr = byEmail.get(a.email.toLowerCase());
    if (!pr) continue;
    const t = TYPES[a.type];
    const at = Date.parse(a.occurredAt);
    const isEmail = a.type.startsWith('email_');
    const id = ACTIVITY_ID_BASE + activities.length + 1;
    const campaign = a.campaignName ? { id: nameId(a.campaignName, 10_000), name: a.campaignName } : null;
    const details =
      (isEmail ? a.emailName : a.assetName) ?? (a.type === 'web_visit' ? (a.url ?? null) : (a.emailName ?? null));
    activities.push({
      id,
      type: t.type,
      typeName: t.typeName,
      prospectId: pr.id,
      visitorId: pr.id + 7_000_000,
      createdAt: at,
      updatedAt: at,
      details,
      campaignId: campaign?.id ?? null,
      campaign,
      emailId: null,
      listEmailId: isEmail && a.emailName ? nameId(a.emailName, 100_000) : null,
      formId: a.type === 'form_fill' ? nameId(a.assetName ?? 'form', 200_000) : null,
      formHandlerId: null,
      landingPageId: null,
      fileId: a.type === 'content_download' ? nameId(a.assetName ?? 'file', 300_000) : null,
      customRedirectId: null,
      visitorPageViewId: a.type === 'web_visit' ? id + 9_000_000 : null,
    });
    if (a.type === 'web_visit')
      pageViews.push({
        id: id + 9_000_000,
        url: a.url,
        title: details,
        visitorId: pr.id + 7_000_000,
        createdAt: at,
        updatedAt: at,
      });
  }
  activities.sort((x, y) => x.createdAt - y.createdAt || x.id - y.id);
  return { prospects, activities, pageViews, byEmail };
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** Starts the emulator on 127.0.0.1. */
export async function startPardotEmulator(opts: PardotEmulatorOptions): Promise<PardotEmulator> {
  const now = (opts.now ?? new Date()).getTime();
  const bu = opts.businessUnitId ?? DEFAULT_BU;
  const dailyLimit = opts.dailyLimit ?? 25_000;
  const chainCap = opts.chainCap ?? 100_000;
  const offset = opts.utcOffsetMinutes ?? -300;
  const clock = makeClock(opts.clock);
  const { prospects, activities, pageViews, byEmail } = build(opts.seed);
  const rows: Record<Collection, Row[]> = {
    'visitor-activities': activities.filter((a) => a.createdAt <= now) as unknown as Row[],
    prospects: prospects.filter((p) => p.createdAt <= now) as unknown as Row[],
    'visitor-page-views': pageViews.filter((v) => v.createdAt <= now) as unknown as Row[],
  };
  // A page token lives through its fourth hour: expired once more than PAGE_TOKEN_TTL_MS old.
  const chains = new TokenBook<Chain>(clock, PAGE_TOKEN_TTL_MS + 1);
  const issued = new TokenBook(clock);
  const faults = new PardotFaults(chains, issued);
  const calls = new CallLog<PardotCall>();
  let used = 0;
  let inFlight = 0;
  let base = '';
  const lists = new Map<number, PardotList>(
    Object.entries(opts.lists ?? { '2001': 'Pulse: cooling accounts' }).map(([id, name]) => [
      Number(id),
      { name, memberships: new Map<number, number>() },
    ]),
  );
  let membershipSeq = 9_000_000;

  const validToken = opts.validateToken ?? ((t: string) => issued.live(t) !== null);

  /** A datetime in the API user's timezone with its offset, as v5 renders them. */
  const render = (ms: number): string => {
    const d = new Date(ms + offset * 60_000).toISOString().slice(0, 19);
    const sign = offset < 0 ? '-' : '+';
    const abs = Math.abs(offset);
    return `${d}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  };

  const project = (row: Row, fields: string[]): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const f of fields) {
      const [head, sub] = f.split('.') as [string, string | undefined];
      const v = row[head];
      if (sub === undefined) out[head] = DATE_FIELDS.has(head) && typeof v === 'number' ? render(v) : (v ?? null);
      else if (v == null) out[head] = null;
      else
        out[head] = {
          ...((out[head] as Record<string, unknown> | null) ?? {}),
          [sub]: (v as Record<string, unknown>)[sub] ?? null,
        };
    }
    return out;
  };

  const parseFields = (collection: Collection, raw: string | null): string[] => {
    if (!raw) throw new ApiError(400, 1000, 'The fields parameter is required: list the fields to return.');
    const fields = raw
      .split(',')
      .map((f) => f.trim())
      .filter(Boolean);
    for (const f of fields)
      if (!FIELDS[collection].has(f)) throw new ApiError(400, 1001, `Invalid field for ${collection}: ${f}`);
    return fields;
  };

  const parseFilters = (collection: Collection, params: URLSearchParams): Filter[] => {
    const out: Filter[] = [];
    for (const [k, v] of params) {
      if (['fields', 'orderBy', 'limit', 'deleted', 'nextPageToken'].includes(k)) continue;
      const m =
        /^([a-zA-Z]+?)(GreaterThanOrEqualTo|GreaterThan|LessThanOrEqualTo|LessThan|AfterOrEqualTo|After|BeforeOrEqualTo|Before)?$/.exec(
          k,
        );
      const field = m?.[1];
      if (!m || !field || !FILTER_FIELDS[collection].has(field))
        throw new ApiError(400, 1002, `Invalid parameter: ${k}`);
      const op = FILTERS[m[2] ?? ''] as Filter['op'];
      let value: number;
      if (DATE_FIELDS.has(field)) {
        // URL decoding turns an unencoded `+` into a space, so `...T10:00:00 00:00` is refused.
        if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(v))
          throw new ApiError(400, 1003, `Invalid datetime for ${k}: ${v}. Use ISO 8601 with an offset; send + as %2B.`);
        value = Date.parse(v);
      } else {
        value = Number(v);
        if (!Number.isInteger(value)) throw new ApiError(400, 1002, `Invalid parameter: ${k} must be an integer`);
      }
      out.push({ field, op, value });
    }
    return out;
  };

  const parseOrder = (raw: string | null): Chain['order'] => {
    if (!raw) return [{ field: 'id', desc: false }];
    return raw.split(',').map((part) => {
      const [field, dir] = part.trim().split(/\s+/) as [string, string | undefined];
      if (!SORTABLE.has(field)) throw new ApiError(400, 1004, `Invalid orderBy: ${field} is not sortable`);
      if (dir && !/^(ASC|DESC)$/i.test(dir)) throw new ApiError(400, 1004, `Invalid orderBy direction: ${dir}`);
      return { field, desc: /^DESC$/i.test(dir ?? '') };
    });
  };

  const matches = (row: Row, filters: Filter[]) =>
    filters.every((f) => {
      const v = row[f.field] as number;
      switch (f.op) {
        case 'eq':
          return v === f.value;
        case 'gt':
          return v > f.value;
        case 'gte':
          return v >= f.value;
        case 'lt':
          return v < f.value;
        default:
          return v <= f.value;
      }
    });

  const compare = (order: Chain['order']) => (a: Row, b: Row) => {
    for (const o of order) {
      const d = (a[o.field] as number) - (b[o.field] as number);
      if (d !== 0) return o.desc ? -d : d;
    }
    return a.id - b.id;
  };

  /** One page of a query: a fresh one from params, or the continuation a token names. */
  const query = (collection: Collection, params: URLSearchParams, res: ServerResponse) => {
    const fields = parseFields(collection, params.get('fields'));
    let chain: Chain;
    const token = params.get('nextPageToken');
    if (token !== null) {
      for (const k of params.keys())
        if (k !== 'fields' && k !== 'nextPageToken')
          throw new ApiError(400, 1005, `Only fields may be sent with nextPageToken (got ${k}).`);
      const c = chains.check(token);
      if (c.state === 'unknown' || c.token.collection !== collection)
        throw new ApiError(400, 211, 'Invalid nextPageToken.');
      if (c.state === 'expired') throw new ApiError(400, 210, 'The nextPageToken has expired; start the query again.');
      chains.revoke(token);
      chain = c.token;
    } else {
      const limitRaw = params.get('limit');
      const limit = limitRaw === null ? 200 : Number(limitRaw);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
        throw new ApiError(400, 1006, 'Invalid limit: use 1 to 1000.');
      chain = {
        collection,
        filters: parseFilters(collection, params),
        order: parseOrder(params.get('orderBy')),
        limit,
        after: null,
        served: 0,
      };
    }
    const cmp = compare(chain.order);
    const all = rows[collection].filter((r) => matches(r, chain.filters)).sort(cmp);
    // Continue after the last row served, by sort key, so rows removed meanwhile shift nothing.
    const after = chain.after;
    const next = after ? all.findIndex((r) => cmp(r, after) > 0) : 0;
    const from = next < 0 ? all.length : next;
    const room = Math.min(chain.limit, chainCap - chain.served);
    const page = all.slice(from, from + room);
    const served = chain.served + page.length;
    const more = from + page.length < all.length;
    let nextPageToken: string | null = null;
    if (more && served < chainCap) {
      nextPageToken = randomBytes(18).toString('base64url');
      chains.issue(nextPageToken, { ...chain, after: page[page.length - 1]!, served });
    } else if (more) res.setHeader('Pardot-Warning', '203');
    const nextPageUrl = nextPageToken
      ? `${base}/api/v5/objects/${collection}?${new URLSearchParams({ fields: fields.join(','), nextPageToken }).toString()}`
      : null;
    const body = JSON.stringify({ values: page.map((r) => project(r, fields)), nextPageToken, nextPageUrl });
    if (collection === 'visitor-activities' && faults.malformed.take()) {
      return send(res, 200, body.slice(0, Math.floor(body.length / 2)));
    }
    send(res, 200, body);
  };

  const send = (res: ServerResponse, status: number, body: string, type = 'application/json') => {
    res.statusCode = status;
    res.setHeader('content-type', type);
    res.end(body);
  };

  // List Membership (v5): https://developer.salesforce.com/docs/marketing/pardot/guide/list-membership-v5.html
  // Create (POST, JSON {listId, prospectId}), Read/Delete by id, Query by listId and prospectId.
  const listMemberships = (
    method: string,
    id: number | null,
    params: URLSearchParams,
    body: string,
    res: ServerResponse,
  ) => {
    const view = (mid: number, listId: number, prospectId: number) => ({
      id: mid,
      listId,
      prospectId,
      optedOut: false,
    });
    const byId = (mid: number) => {
      for (const [listId, l] of lists) {
        const prospectId = l.memberships.get(mid);
        if (prospectId !== undefined) return { listId, list: l, prospectId };
      }
      return null;
    };
    if (id !== null) {
      const found = byId(id);
      if (!found) throw new ApiError(404, 1008, `No list-memberships record with id ${id}.`);
      if (method === 'DELETE') {
        found.list.memberships.delete(id);
        res.statusCode = 204;
        return res.end();
      }
      if (method === 'GET') return send(res, 200, JSON.stringify(view(id, found.listId, found.prospectId)));
      throw new ApiError(405, 1007, 'Method not allowed.');
    }
    if (method === 'GET') {
      const listId = params.get('listId');
      const prospectId = params.get('prospectId');
      const values = [...lists]
        .filter(([lid]) => listId === null || lid === Number(listId))
        .flatMap(([lid, l]) => [...l.memberships].map(([mid, pid]) => view(mid, lid, pid)))
        .filter((v) => prospectId === null || v.prospectId === Number(prospectId));
      return send(res, 200, JSON.stringify({ values, nextPageToken: null, nextPageUrl: null }));
    }
    if (method !== 'POST') throw new ApiError(405, 1007, 'Method not allowed.');
    let input: { listId?: unknown; prospectId?: unknown };
    try {
      input = JSON.parse(body) as typeof input;
    } catch {
      throw new ApiError(400, 1001, 'The request body is not valid JSON.');
    }
    if (typeof input.listId !== 'number' || typeof input.prospectId !== 'number')
      throw new ApiError(400, 1002, 'listId and prospectId are required integers.');
    const list = lists.get(input.listId);
    if (!list) throw new ApiError(404, 1008, `No lists record with id ${input.listId}.`);
    if (!rows.prospects.some((r) => r.id === input.prospectId))
      throw new ApiError(404, 1008, `No prospects record with id ${input.prospectId}.`);
    if ([...list.memberships.values()].includes(input.prospectId))
      throw new ApiError(400, 1003, 'The prospect is already a member of this list.');
    const mid = ++membershipSeq;
    list.memberships.set(mid, input.prospectId);
    send(res, 201, JSON.stringify(view(mid, input.listId, input.prospectId)));
  };

  const handle = (req: IncomingMessage, res: ServerResponse, u: URL, concurrent: number, body: string) => {
    const auth = req.headers.authorization;
    if (!auth) throw new ApiError(401, 49, 'Access Denied');
    const token = /^Bearer (.+)$/.exec(auth)?.[1];
    if (!token || !validToken(token))
      throw new ApiError(401, 184, 'access_token is invalid, unknown, or malformed: Inactive token');
    const buHeader = req.headers['pardot-business-unit-id'];
    if (buHeader === undefined)
      throw new ApiError(
        400,
        181,
        'The Pardot-Business-Unit-Id header is missing: send the business unit id with every request.',
      );
    if (typeof buHeader !== 'string' || !/^0Uv[A-Za-z0-9]{15}$/.test(buHeader))
      throw new ApiError(400, 182, 'Invalid value for the Pardot-Business-Unit-Id header.');
    if (buHeader !== bu)
      throw new ApiError(400, 201, 'The business unit was not found or is not active for this host.');
    if (faults.dailyLimitSpent || used >= dailyLimit) throw new ApiError(429, 122, 'Daily API rate limit met.');
    used++;
    if (concurrent > 5 || faults.concurrent.take())
      throw new ApiError(429, 66, 'You have exceeded your concurrent request limit. Please wait, before trying again.');
    if (faults.perMinuteLimit.take()) throw new ApiError(429, 202, 'Per-minute API request limit exceeded.');
    if (faults.unavailable.take())
      return send(res, 503, '<html><body><h1>503 Service Unavailable</h1></body></html>', 'text/html');
    const lm = /^\/api\/v5\/objects\/list-memberships(?:\/(\d+))?$/.exec(u.pathname);
    if (lm) return listMemberships(req.method ?? 'GET', lm[1] ? Number(lm[1]) : null, u.searchParams, body, res);
    if (req.method !== 'GET') throw new ApiError(405, 1007, 'Method not allowed.');
    const m = /^\/api\/v5\/objects\/(visitor-activities|prospects|visitor-page-views)(?:\/(\d+))?$/.exec(u.pathname);
    if (!m) throw new ApiError(404, 1008, 'Not found.');
    const collection = m[1] as Collection;
    if (m[2]) {
      const fields = parseFields(collection, u.searchParams.get('fields'));
      const row = rows[collection].find((r) => r.id === Number(m[2]));
      if (!row) throw new ApiError(404, 1008, `No ${collection} record with id ${m[2]}.`);
      return send(res, 200, JSON.stringify(project(row, fields)));
    }
    query(collection, u.searchParams, res);
  };

  const http = await listen(
    (req, res) => {
      const u = new URL(req.url ?? '/', 'http://emulator');
      const concurrent = ++inFlight;
      let code: number | null = null;
      res.on('finish', () => inFlight--);
      recordCall(calls, req, res, (call) => ({
        ...call,
        path: u.pathname,
        params: Object.fromEntries(u.searchParams),
        code,
      }));
      const chunks: Buffer[] = [];
      const answer = () => {
        try {
          handle(req, res, u, concurrent, Buffer.concat(chunks).toString('utf8'));
        } catch (e) {
          if (e instanceof ApiError) {
            code = e.code;
            send(res, e.status, JSON.stringify({ code: e.code, message: e.message }));
          } else send(res, 500, JSON.stringify({ code: 15, message: `Internal error: ${(e as Error).message}` }));
        }
      };
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (opts.latencyMs) setTimeout(answer, opts.latencyMs);
        else answer();
      });
    },
    { port: opts.port },
  );
  base = http.url;

  return {
    url: base,
    calls,
    faults,
    clock,
    credentials: {
      baseUrl: base,
      businessUnitId: bu,
      issueToken: () => {
        const t = `pardot-emu-${randomBytes(12).toString('base64url')}`;
        issued.issue(t, {});
        return t;
      },
    },
    prospectId: (email) => byEmail.get(email.toLowerCase())?.id,
    deleteProspect: (id) => {
      rows.prospects = rows.prospects.filter((r) => r.id !== id);
    },
    lists,
    close: http.close,
  };
}
