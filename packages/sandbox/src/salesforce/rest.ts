/**
 * REST resources other than writes: versions, resource list, /limits, describe, query/queryAll
 * with cursors (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_query.htm).
 */
import express, { type Request, type Response, type Router } from 'express';
import { apiVersion, sendError, sendJson, type EmulatorContext, type Session } from './context';
import { describeGlobal, describeObject, visibleField } from './describe';
import { IdMinter } from './ids';
import { limitsBody } from './limits';
import { refreshPermissionAccess } from './permissionAccess';
import { rowFilter, tooLarge } from './sharing';
import { formatDateTime, parseDateTime } from './store';
import { executeQuery, SoqlError, type QueryResult, type SoqlObjectDef } from './soql';

const RELEASES: Array<[number, string]> = [
  [50, "Winter '21"],
  [51, "Spring '21"],
  [52, "Summer '21"],
  [53, "Winter '22"],
  [54, "Spring '22"],
  [55, "Summer '22"],
  [56, "Winter '23"],
  [57, "Spring '23"],
  [58, "Summer '23"],
  [59, "Winter '24"],
  [60, "Spring '24"],
  [61, "Summer '24"],
  [62, "Winter '25"],
];

/** The `/services/data/` versions list (no auth, no limit header). */
export function versionsBody(): Array<{ label: string; url: string; version: string }> {
  return RELEASES.map(([v, label]) => ({ label, url: `/services/data/v${v}.0`, version: `${v}.0` }));
}

/** Whether a `vNN.N` path segment names a version the emulator serves (50.0 and later). */
export function supportedVersion(segment: string): boolean {
  const m = /^v(\d+)\.(\d)$/.exec(segment);
  return !!m && Number(m[1]) >= 50;
}

interface Cursor {
  result: QueryResult;
  batchSize: number;
  lastUsed: number;
}

const DEFAULT_BATCH = 2000;
const CURSOR_IDLE_MS = 15 * 60_000;
const MAX_CURSORS = 50;

/** `Sforce-Query-Options: batchSize=N` clamped to 200..2000 (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_queryoptions.htm). */
export function batchSizeOf(header: string | undefined): number {
  const m = header ? /batchSize\s*=\s*(\d+)/i.exec(header) : null;
  if (!m) return DEFAULT_BATCH;
  return Math.min(2000, Math.max(200, Number(m[1])));
}

/** The SOQL engine's view of the schema: objects with only the fields the integration user can read. */
function visibleSchema(ctx: EmulatorContext): SoqlObjectDef[] {
  return ctx.schema.objects().map((o) => ({
    name: o.name,
    keyPrefix: o.keyPrefix,
    fields: o.fields.filter((fd) => visibleField(o.name, fd, ctx.permissions)),
  }));
}

/** Routes under /services/data/:version (auth, limits and faults already applied). */
export function restRouter(ctx: EmulatorContext): Router {
  const r = express.Router({ mergeParams: true });
  const cursors = new Map<string, Cursor>();
  const cursorIds = new IdMinter({ QueryCursor: '01g' }, 'RO');

  r.get('/', (req, res) => {
    const v = `/services/data/v${apiVersion(req)}`;
    const names = [
      'tooling',
      'metadata',
      'eclair',
      'folders',
      'prechatForms',
      'chatter',
      'tabs',
      'appMenu',
      'quickActions',
      'queryAll',
      'commerce',
      'wave',
      'iot',
      'analytics',
      'search',
      'identity',
      'composite',
      'parameterizedSearch',
      'fingerprint',
      'theme',
      'nouns',
      'domino',
      'event',
      'serviceTemplates',
      'recent',
      'connect',
      'licensing',
      'limits',
      'process',
      'async-queries',
      'query',
      'jobs',
      'match',
      'emailConnect',
      'compactLayouts',
      'knowledgeManagement',
      'sobjects',
      'actions',
      'support',
    ];
    const body: Record<string, string> = {};
    for (const n of names) body[n] = `${v}/${n}`;
    body.identity = `${ctx.instanceUrl}/id/${ctx.orgId}/${ctx.store.userId}`;
    sendJson(res, 200, body);
  });

  // Salesforce serves /limits only to users with View Setup and Configuration (resources_limits.htm).
  r.get(['/limits', '/limits/'], (_req, res) => {
    if (!ctx.user.has('ViewSetup'))
      return sendError(res, 403, 'INSUFFICIENT_ACCESS', "You don't have permission to view limits");
    sendJson(res, 200, limitsBody(ctx.limits));
  });

  r.get(['/sobjects', '/sobjects/'], (req, res) =>
    sendJson(res, 200, describeGlobal(ctx.schema.objects(), apiVersion(req))),
  );

  r.get('/sobjects/:object/describe', (req, res) => {
    const def = ctx.schema.object(String(req.params.object));
    if (!def) return sendError(res, 404, 'NOT_FOUND', 'The requested resource does not exist');
    const children = ctx.schema
      .objects()
      .flatMap((o) =>
        o.fields
          .filter((fd) => fd.type === 'reference' && fd.referenceTo?.includes(def.name))
          .map((fd) => ({ childSObject: o.name, field: fd.name, relationshipName: fd.childRelationshipName ?? null })),
      );
    sendJson(res, 200, describeObject(def, apiVersion(req), ctx.permissions, children));
  });

  // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_getupdated.htm
  // and resources_getdeleted.htm: seconds are ignored; windows 30 days (updated) / 15 days (deleted).
  const replication = (kind: 'updated' | 'deleted') => (req: Request, res: Response) => {
    const def = ctx.schema.object(String(req.params.object));
    if (!def) return sendError(res, 404, 'NOT_FOUND', 'The requested resource does not exist');
    const start = toMinute(parseDateTime(String(req.query.start ?? '')));
    const end = toMinute(parseDateTime(String(req.query.end ?? '')));
    if (Number.isNaN(start) || Number.isNaN(end))
      return sendError(res, 400, 'MALFORMED_QUERY', 'start and end must be valid dateTime values');
    if (start >= end)
      return sendError(res, 400, 'INVALID_REPLICATION_DATE', 'startDate must chronologically precede endDate');
    const now = ctx.clock.now().getTime();
    const windowDays = kind === 'updated' ? 30 : 15;
    if (start < now - windowDays * 86_400_000)
      return sendError(res, 400, 'INVALID_REPLICATION_DATE', `startDate cannot be more than ${windowDays} days ago`);
    const latest = formatDateTime(new Date(Math.min(end, toMinute(now))));
    const ids: string[] = [];
    const deleted: Array<{ id: string; deletedDate: string }> = [];
    for (const rec of ctx.store.all(def.name, { includeDeleted: kind === 'deleted' })) {
      const t = parseDateTime(String(rec.SystemModstamp));
      if (t < start || t >= end) continue;
      if (kind === 'updated') ids.push(rec.Id);
      else if (rec.IsDeleted) deleted.push({ id: rec.Id, deletedDate: String(rec.SystemModstamp) });
    }
    if (ids.length > 600_000) return sendError(res, 400, 'EXCEEDED_ID_LIMIT', 'Too many ids (more than 600000)');
    if (kind === 'updated') return sendJson(res, 200, { ids, latestDateCovered: latest });
    sendJson(res, 200, {
      deletedRecords: deleted,
      earliestDateAvailable: formatDateTime(new Date(toMinute(now - windowDays * 86_400_000))),
      latestDateCovered: latest,
    });
  };
  r.get(['/sobjects/:object/updated', '/sobjects/:object/updated/'], replication('updated'));
  r.get(['/sobjects/:object/deleted', '/sobjects/:object/deleted/'], replication('deleted'));

  r.get('/sobjects/:object', (req, res, next) => {
    const def = ctx.schema.object(String(req.params.object));
    if (!def) return next();
    const version = apiVersion(req);
    sendJson(res, 200, { objectDescribe: describeGlobal([def], version).sobjects, recentItems: [] });
  });

  const sweep = (now: number) => {
    for (const [id, c] of cursors) if (now - c.lastUsed > CURSOR_IDLE_MS) cursors.delete(id);
    while (cursors.size > MAX_CURSORS) cursors.delete(cursors.keys().next().value as string);
  };

  const page = (req: Request, res: Response, cursorId: string, c: Cursor, offset: number) => {
    const version = apiVersion(req);
    const total = c.result.totalSize;
    const records = c.result.countOnly
      ? []
      : c.result.page(offset, ctx.faults.pageSize(`${cursorId}-${offset}`, c.batchSize));
    const next = offset + records.length;
    const done = c.result.countOnly || next >= total;
    if (done) cursors.delete(cursorId);
    else c.lastUsed = Date.now();
    sendJson(
      res,
      200,
      done
        ? { totalSize: total, done: true, records }
        : {
            totalSize: total,
            done: false,
            nextRecordsUrl: `/services/data/v${version}/query/${cursorId}-${next}`,
            records,
          },
    );
  };

  const runQuery = (includeDeleted: boolean) => (req: Request, res: Response) => {
    const q = req.query.q;
    if (typeof q !== 'string' || q.trim() === '')
      return sendError(res, 400, 'MALFORMED_QUERY', 'A query string has to be specified');
    let result: QueryResult;
    if (/\bUserPermissionAccess\b/i.test(q))
      refreshPermissionAccess(ctx, (res.locals.session as Session | undefined)?.userId ?? '');
    try {
      let candidates = 0;
      const filter = rowFilter(ctx, includeDeleted);
      result = executeQuery(ctx.store, q, {
        includeDeleted,
        now: () => ctx.clock.now(),
        version: apiVersion(req),
        schema: visibleSchema(ctx),
        visible: (object, rec) => (candidates++, filter(object, rec)),
      });
      const refused = tooLarge(ctx, result.object, candidates);
      if (refused) return sendError(res, 400, 'OPERATION_TOO_LARGE', refused);
    } catch (e) {
      if (e instanceof SoqlError) return sendError(res, e.statusCode, e.errorCode, e.message);
      throw e;
    }
    // `columns=true` (what Salesforce's CLI asks before `sf data query`): the SELECT's columns, not rows.
    if (req.query.columns === 'true') return sendJson(res, 200, columnsBody(result));
    sweep(Date.now());
    const cursorId = cursorIds.next('QueryCursor');
    const c: Cursor = { result, batchSize: batchSizeOf(req.header('sforce-query-options')), lastUsed: Date.now() };
    cursors.set(cursorId, c);
    page(req, res, cursorId, c, 0);
  };

  r.get(['/query', '/query/'], runQuery(false));
  r.get(['/queryAll', '/queryAll/'], runQuery(true));

  const more = (req: Request, res: Response) => {
    const m = /^(01g[0-9A-Za-z]{15})-(\d+)$/.exec(String(req.params.locator));
    const c = m ? cursors.get(m[1]!) : undefined;
    if (!m || !c) return sendError(res, 400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
    page(req, res, m[1]!, c, Number(m[2]));
  };
  r.get('/query/:locator', more);
  r.get('/queryAll/:locator', more);

  return r;
}

interface ColumnMeta {
  aggregate: boolean;
  apexType: string | null;
  booleanType: boolean;
  columnName: string;
  custom: boolean;
  displayName: string;
  foreignKeyName: string | null;
  insertable: boolean;
  joinColumns: ColumnMeta[];
  numberType: boolean;
  textType: boolean;
  updatable: boolean;
}

/** The column metadata of a query: one entry per selected field, relationship fields nested in joinColumns. */
function columnsBody(result: QueryResult): Record<string, unknown> {
  const meta = (name: string, type: string, join: ColumnMeta[] = []): ColumnMeta => ({
    aggregate: false,
    apexType: null,
    booleanType: type === 'boolean',
    columnName: name,
    custom: name.endsWith('__c'),
    displayName: name,
    foreignKeyName: null,
    insertable: false,
    joinColumns: join,
    numberType: ['int', 'double', 'currency', 'percent'].includes(type),
    textType: !['boolean', 'int', 'double', 'currency', 'percent', 'date', 'datetime'].includes(type),
    updatable: false,
  });
  const top: ColumnMeta[] = [];
  for (const c of result.columns) {
    let level = top;
    for (const rel of c.relationships) {
      let parent = level.find((m) => m.columnName === rel && m.joinColumns.length > 0);
      if (!parent) {
        parent = meta(rel, 'reference', []);
        level.push(parent);
      }
      level = parent.joinColumns;
    }
    level.push(meta(c.field, c.type));
  }
  return { columnMetadata: top, entityName: result.object, groupBy: false, idSelected: true, keyPrefix: null };
}

/** Epoch millis truncated to the minute (getUpdated/getDeleted ignore seconds). */
function toMinute(ms: number): number {
  return Math.floor(ms / 60_000) * 60_000;
}
