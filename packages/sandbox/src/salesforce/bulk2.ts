/**
 * Bulk API 2.0 ingest and query jobs, mounted by the server under `/services/data/:version/jobs`.
 * Jobs progress asynchronously (UploadComplete → InProgress → JobComplete) like the real service.
 * Ingest: https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/bulk_api_2_0_ingest.htm
 * Query:  https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/queries.htm
 */
import express, { type Request, type Response, type Router } from 'express';
import { parse as parseCsv } from 'csv-parse/sync';
import { apiVersion, type EmulatorContext } from './context';
import { visibleField } from './describe';
import { LOCK_ERROR } from './faults';
import { normalizeId } from './ids';
import { compileQuery, executeQuery, SoqlError, type QueryResult, type SoqlObjectDef } from './soql';
import { formatDateTime, type FieldValue, type SfRecord } from './store';
import { validateFields, type RecordError } from './sobjects';
import { RECORDS_PER_BATCH } from './limits';
import { rowFilter } from './sharing';
import { DELIMITERS, LINE_ENDINGS, formatCsvValue, minimalQuote, quoted, queryCsvRow } from './bulk2-csv';

type JobState = 'Open' | 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Failed' | 'Aborted';
const INGEST_OPERATIONS = new Set(['insert', 'update', 'upsert', 'delete', 'hardDelete']);

/** Knobs tests can turn (per emulator context). */
export interface Bulk2Settings {
  /** GET job-info polls that still see InProgress before the job completes (default 0). */
  inProgressPolls: number;
  /**
   * Rows per results page when the client sends no maxRecords. Salesforce picks a size-based
   * default it does not document; the emulator sends the whole result in one streamed page up to
   * this many rows, because jsforce 3.10's multi-page reader pipes every page into one CSV parser
   * (later pages' header rows become records, and pages interleave when the consumer is slower
   * than the download). Clients that page must send maxRecords.
   */
  defaultMaxRecords: number;
  /** Ingest rows processed per event-loop turn, so large jobs don't block other requests. */
  ingestChunk: number;
}

interface JobBase {
  id: string;
  object: string;
  operation: string;
  state: JobState;
  createdById: string;
  createdDate: string;
  systemModstamp: string;
  apiVersion: string;
  lineEnding: string;
  columnDelimiter: string;
  numberRecordsProcessed: number;
  retries: number;
  totalProcessingTime: number;
  errorMessage?: string;
  pollsLeft: number;
  /** Set when processing finished but job info has not yet been polled `inProgressPolls` times. */
  finalState?: JobState;
}

interface QueryJob extends JobBase {
  kind: 'query';
  query: string;
  result?: QueryResult;
}

interface IngestJob extends JobBase {
  kind: 'ingest';
  externalIdFieldName?: string;
  assignmentRuleId?: string;
  numberRecordsFailed: number;
  uploads: string[];
  header?: string[];
  rows: string[][];
  processedUpTo: number;
  successful: string[];
  failed: string[];
}

type Job = QueryJob | IngestJob;

/** The jobs of one emulator, plus its settings. */
export class Bulk2Jobs {
  readonly jobs = new Map<string, Job>();
  readonly settings: Bulk2Settings = { inProgressPolls: 0, defaultMaxRecords: 5_000_000, ingestChunk: 2000 };
}

const registry = new WeakMap<EmulatorContext, Bulk2Jobs>();

/** The Bulk 2.0 job registry of an emulator context (created on first use). */
export function bulk2Jobs(ctx: EmulatorContext): Bulk2Jobs {
  let j = registry.get(ctx);
  if (!j) {
    j = new Bulk2Jobs();
    registry.set(ctx, j);
  }
  return j;
}

/** Bulk 2.0 error envelope (reference G8): `[{errorCode, message}]`. */
function bulkError(res: Response, status: number, errorCode: string, message: string): void {
  res
    .status(status)
    .set('Content-Type', 'application/json;charset=UTF-8')
    .send(JSON.stringify([{ errorCode, message }]));
}

function notFound(res: Response): void {
  bulkError(res, 404, 'NOT_FOUND', 'The requested resource does not exist');
}

/** JSON with `apiVersion` written as a decimal (62.0), as Salesforce does. */
function sendInfo(res: Response, status: number, info: Record<string, unknown>): void {
  const body = JSON.stringify(info).replace(/"apiVersion":(\d+)(?=[,}])/, '"apiVersion":$1.0');
  res.status(status).set('Content-Type', 'application/json;charset=UTF-8').send(body);
}

function versionNumber(v: string): number {
  return Number(v);
}

function visibleState(job: Job): JobState {
  return job.state;
}

function baseInfo(job: Job): Record<string, unknown> {
  return {
    id: job.id,
    operation: job.operation,
    object: job.object,
    createdById: job.createdById,
    createdDate: job.createdDate,
    systemModstamp: job.systemModstamp,
    state: visibleState(job),
  };
}

/** Ingest JobInfo: https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/get_job_info.htm */
function ingestInfo(job: IngestJob, full: boolean): Record<string, unknown> {
  const info: Record<string, unknown> = {
    ...baseInfo(job),
    ...(job.externalIdFieldName ? { externalIdFieldName: job.externalIdFieldName } : {}),
    concurrencyMode: 'Parallel',
    contentType: 'CSV',
    apiVersion: versionNumber(job.apiVersion),
    contentUrl: `services/data/v${job.apiVersion}/jobs/ingest/${job.id}/batches`,
    lineEnding: job.lineEnding,
    columnDelimiter: job.columnDelimiter,
  };
  if (job.assignmentRuleId) info.assignmentRuleId = job.assignmentRuleId;
  if (full) {
    Object.assign(info, {
      jobType: 'V2Ingest',
      numberRecordsProcessed: job.numberRecordsProcessed,
      numberRecordsFailed: job.numberRecordsFailed,
      retries: job.retries,
      totalProcessingTime: job.totalProcessingTime,
      apiActiveProcessingTime: job.totalProcessingTime,
      apexProcessingTime: 0,
    });
    if (job.errorMessage) info.errorMessage = job.errorMessage;
  }
  return info;
}

/** QueryJobInfo: https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/query_get_one_job.htm */
function queryInfo(job: QueryJob, full: boolean): Record<string, unknown> {
  const info: Record<string, unknown> = {
    ...baseInfo(job),
    concurrencyMode: 'Parallel',
    contentType: 'CSV',
    apiVersion: versionNumber(job.apiVersion),
    lineEnding: job.lineEnding,
    columnDelimiter: job.columnDelimiter,
  };
  if (full) {
    Object.assign(info, {
      jobType: 'V2Query',
      numberRecordsProcessed: job.numberRecordsProcessed,
      retries: job.retries,
      totalProcessingTime: job.totalProcessingTime,
      isPkChunkingSupported: false,
    });
    if (job.errorMessage) info.errorMessage = job.errorMessage;
  }
  return info;
}

function touch(ctx: EmulatorContext, job: Job, state?: JobState): void {
  if (state) job.state = state;
  job.systemModstamp = formatDateTime(ctx.clock.now());
}

/** Moves a job to its final state, unless tests asked to see InProgress for some polls first. */
function finish(ctx: EmulatorContext, job: Job, state: JobState): void {
  if (job.state === 'Aborted') return;
  if (job.pollsLeft > 0) {
    job.finalState = state;
    touch(ctx, job, 'InProgress');
  } else touch(ctx, job, state);
}

/** Called on each job-info GET: counts down the InProgress polls. */
function onPoll(ctx: EmulatorContext, job: Job): void {
  if (job.state !== 'InProgress' || job.pollsLeft <= 0) return;
  job.pollsLeft--;
  if (job.pollsLeft === 0 && job.finalState) touch(ctx, job, job.finalState);
}

function sessionUser(ctx: EmulatorContext, res: Response): string {
  const s = (res.locals as { session?: { userId?: string } }).session;
  return s?.userId ?? ctx.store.userId;
}

function isTerminal(state: JobState): boolean {
  return state === 'JobComplete' || state === 'Failed' || state === 'Aborted';
}

// ------------------------------------------------------------------ query jobs

/** Objects with only the fields the integration user can read (field-level security), as REST query sees them. */
function visibleSchema(ctx: EmulatorContext): SoqlObjectDef[] {
  return ctx.schema.objects().map((o) => ({
    name: o.name,
    keyPrefix: o.keyPrefix,
    fields: o.fields.filter((fd) => visibleField(o.name, fd, ctx.permissions)),
  }));
}

function runQueryJob(ctx: EmulatorContext, job: QueryJob): void {
  if (job.state === 'Aborted') return;
  touch(ctx, job, 'InProgress');
  const started = Date.now();
  try {
    job.result = executeQuery(ctx.store, job.query, {
      includeDeleted: job.operation === 'queryAll',
      now: () => ctx.clock.now(),
      version: job.apiVersion,
      schema: visibleSchema(ctx),
      bulk: true,
      visible: rowFilter(ctx, job.operation === 'queryAll'),
    });
    job.numberRecordsProcessed = job.result.totalSize;
    job.totalProcessingTime = Date.now() - started;
    finish(ctx, job, 'JobComplete');
  } catch (e) {
    job.errorMessage = e instanceof Error ? e.message : String(e);
    finish(ctx, job, 'Failed');
  }
}

function encodeLocator(offset: number): string {
  return Buffer.from(String(offset)).toString('base64').replace(/=+$/, '');
}

function decodeLocator(loc: string): number | undefined {
  const n = Number(Buffer.from(loc, 'base64').toString('utf8'));
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

/** Streams one results page, yielding to the event loop between chunks and honouring backpressure. */
async function writeResultsPage(res: Response, job: QueryJob, offset: number, count: number): Promise<void> {
  const result = job.result as QueryResult;
  const delimiter = DELIMITERS[job.columnDelimiter] ?? ',';
  const eol = LINE_ENDINGS[job.lineEnding] ?? '\n';
  const types = result.columns.map((c) => c.type);
  res.write(result.columns.map((c) => quoted(c.name)).join(delimiter) + eol);
  const CHUNK = 2000;
  for (let at = offset; at < offset + count; at += CHUNK) {
    const rows = result.rawRows(at, Math.min(CHUNK, offset + count - at));
    let text = '';
    for (const row of rows) {
      text += queryCsvRow(
        row.map((v, i) => formatCsvValue(types[i] ?? 'string', v)),
        delimiter,
      );
      text += eol;
    }
    if (!res.write(text)) {
      // Also wake on close, or a client that hangs up mid-page would park this loop forever.
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.once('drain', done);
        res.once('close', done);
      });
    }
    if (res.destroyed) return;
  }
  res.end();
}

// ------------------------------------------------------------------ ingest jobs

function sfError(e: RecordError): string {
  // e.g. `REQUIRED_FIELD_MISSING:Required fields are missing: [Name]:Name --`, `UNABLE_TO_LOCK_ROW:…:--`
  return `${e.statusCode}:${e.message}:${e.fields.length ? `${e.fields.join(',')} ` : ''}--`;
}

/** Parses pending uploads into rows (no schema checks); returns an error text on bad CSV. */
function parseRows(job: IngestJob): string | undefined {
  const delimiter = DELIMITERS[job.columnDelimiter] ?? ',';
  const uploads = job.uploads;
  job.uploads = [];
  for (const text of uploads) {
    let rows: string[][];
    try {
      rows = parseCsv(text, { delimiter, skip_empty_lines: true, bom: true }) as string[][];
    } catch (e) {
      return `InvalidBatch : ${e instanceof Error ? e.message : String(e)}`;
    }
    const [header, ...data] = rows;
    if (!header) continue;
    if (!job.header) job.header = header;
    else if (header.join('\u0000') !== job.header.join('\u0000'))
      return 'InvalidBatch : Header mismatch between uploads';
    job.rows.push(...data);
  }
  return undefined;
}

/** Parses uploaded CSV; the header must name known fields or the job fails (InvalidBatch). */
function parseUploads(ctx: EmulatorContext, job: IngestJob): string | undefined {
  const bad = parseRows(job);
  if (bad) return bad;
  for (const col of job.header ?? []) {
    if (col.includes('.')) continue; // relationship by external id, resolved per row
    if (!ctx.schema.field(job.object, col)) return `InvalidBatch : Field name not found : ${col}`;
  }
  if (
    job.operation !== 'insert' &&
    job.operation !== 'upsert' &&
    !(job.header ?? []).some((h) => h.toLowerCase() === 'id')
  ) {
    return 'InvalidBatch : Field name not found : Id';
  }
  if (job.operation === 'upsert' && job.externalIdFieldName) {
    const ext = job.externalIdFieldName.toLowerCase();
    if (!(job.header ?? []).some((h) => h.toLowerCase() === ext)) {
      return `InvalidBatch : Field name not found : ${job.externalIdFieldName}`;
    }
  }
  return undefined;
}

interface RowOutcome {
  id: string;
  created: boolean;
  error?: RecordError;
}

function findByField(ctx: EmulatorContext, object: string, field: string, value: string): SfRecord[] {
  const fd = ctx.schema.field(object, field);
  const name = fd?.name ?? field;
  const out: SfRecord[] = [];
  for (const r of ctx.store.all(object)) {
    const v = r[name];
    if (v !== null && v !== undefined && String(v).toLowerCase() === value.toLowerCase()) out.push(r);
  }
  return out;
}

function processRow(ctx: EmulatorContext, job: IngestJob, row: string[], index: number): RowOutcome {
  const def = ctx.schema.object(job.object);
  if (!def) return { id: '', created: false, error: { statusCode: 'INVALID_TYPE', message: 'bad object', fields: [] } };
  const header = job.header ?? [];
  const input: Record<string, FieldValue> = {};
  let rawId = '';
  header.forEach((col, i) => {
    const cell = row[i] ?? '';
    if (col.toLowerCase() === 'id') {
      rawId = cell;
      return;
    }
    // Empty cells leave the field unchanged; #N/A sets it to null.
    if (cell === '') return;
    input[col] = cell === '#N/A' ? null : cell;
  });
  const op = job.operation;
  const lockKey = rawId || `${job.id}:${index}`;
  const idOf = (): string | null => (rawId ? normalizeId(rawId) : null);

  if (op === 'delete' || op === 'hardDelete') {
    const id = idOf();
    if (!id)
      return { id: '', created: false, error: { statusCode: 'MALFORMED_ID', message: `bad id ${rawId}`, fields: [] } };
    if (ctx.faults.shouldLock(job.object, id)) return { id, created: false, error: LOCK_ERROR };
    const live = ctx.store.get(job.object, id);
    if (!live) {
      const dead = ctx.store.get(job.object, id, { includeDeleted: true });
      return dead
        ? { id, created: false, error: { statusCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] } }
        : {
            id,
            created: false,
            error: { statusCode: 'INVALID_CROSS_REFERENCE_KEY', message: 'invalid cross reference id', fields: [] },
          };
    }
    ctx.store.delete(job.object, id);
    return { id, created: false };
  }

  let target: SfRecord | undefined;
  if (op === 'update' || (op === 'upsert' && (job.externalIdFieldName ?? 'Id').toLowerCase() === 'id')) {
    const id = idOf();
    if (op === 'update' || rawId) {
      if (!id) {
        const e = rawId
          ? { statusCode: 'MALFORMED_ID', message: `Id: id value of incorrect type: ${rawId}`, fields: ['Id'] }
          : { statusCode: 'MISSING_ARGUMENT', message: 'Id not specified in an update call', fields: [] };
        return { id: '', created: false, error: e };
      }
      target = ctx.store.get(job.object, id);
      if (!target) {
        const dead = ctx.store.get(job.object, id, { includeDeleted: true });
        return {
          id,
          created: false,
          error: dead
            ? { statusCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] }
            : { statusCode: 'INVALID_CROSS_REFERENCE_KEY', message: 'invalid cross reference id', fields: [] },
        };
      }
    }
  } else if (op === 'upsert') {
    const ext = job.externalIdFieldName as string;
    const key = Object.keys(input).find((k) => k.toLowerCase() === ext.toLowerCase());
    const value = key ? input[key] : null;
    if (value === null || value === undefined) {
      return {
        id: '',
        created: false,
        error: { statusCode: 'MISSING_ARGUMENT', message: `${ext} not specified`, fields: [ext] },
      };
    }
    const hits = findByField(ctx, job.object, ext, String(value));
    if (hits.length > 1) {
      return {
        id: '',
        created: false,
        error: {
          statusCode: 'DUPLICATE_EXTERNAL_ID',
          message: `${ext}: more than one record found for external id field: ${hits.map((h) => h.Id).join(', ')}`,
          fields: [ext],
        },
      };
    }
    target = hits[0];
  }

  if (ctx.faults.shouldLock(job.object, target?.Id ?? lockKey)) {
    return { id: target?.Id ?? '', created: false, error: LOCK_ERROR };
  }
  // Bulk API 2.0 runs only the rule the job names (create_job.htm: assignmentRuleId), active or not.
  const rule = job.assignmentRuleId && def.name === 'Lead' ? ctx.assignmentRules.byId(job.assignmentRuleId) : undefined;
  const owner = (values: Record<string, FieldValue>) => (rule ? { ...values, OwnerId: rule.ownerId } : values);
  if (target) {
    const v = validateFields(ctx, def, input, 'update');
    if ('errors' in v) return { id: target.Id, created: false, error: v.errors[0] };
    ctx.store.update(job.object, target.Id, owner(v.values));
    return { id: target.Id, created: false };
  }
  const v = validateFields(ctx, def, input, 'create');
  if ('errors' in v) return { id: '', created: false, error: v.errors[0] };
  const rec = ctx.store.insert(job.object, owner(v.values));
  return { id: rec.Id, created: true };
}

function csvLine(cells: string[], delimiter: string): string {
  return cells.map((c) => minimalQuote(c, delimiter)).join(delimiter);
}

function processIngestChunk(ctx: EmulatorContext, jobs: Bulk2Jobs, job: IngestJob, started: number): void {
  if (job.state === 'Aborted') return;
  const delimiter = DELIMITERS[job.columnDelimiter] ?? ',';
  const end = Math.min(job.rows.length, job.processedUpTo + jobs.settings.ingestChunk);
  for (let i = job.processedUpTo; i < end; i++) {
    const row = job.rows[i] as string[];
    const out = processRow(ctx, job, row, i);
    const original = csvLine(row, delimiter);
    const tail = original === '' && row.length === 0 ? '' : delimiter + original;
    if (out.error) {
      job.failed.push(quoted(out.id) + delimiter + quoted(sfError(out.error)) + tail);
      job.numberRecordsFailed++;
    } else {
      job.successful.push(quoted(out.id) + delimiter + quoted(String(out.created)) + tail);
    }
    job.numberRecordsProcessed++;
  }
  job.processedUpTo = end;
  job.totalProcessingTime = Date.now() - started;
  touch(ctx, job);
  if (end < job.rows.length) setImmediate(() => processIngestChunk(ctx, jobs, job, started));
  else finish(ctx, job, 'JobComplete');
}

/** Books the job's batches (one per 10,000 records) and records against the daily limits; an error text when over. */
function chargeIngest(ctx: EmulatorContext, job: IngestJob): string | undefined {
  const batches = Math.max(1, Math.ceil(job.rows.length / RECORDS_PER_BATCH));
  if (!ctx.limits.consumeBulk('batches', batches))
    return `ExceededQuota : Exceeded max number of batches in a 24-hour period (${ctx.limits.bulk.batches})`;
  if (!ctx.limits.consumeBulk('records', job.rows.length))
    return `ExceededQuota : Exceeded max number of records in a 24-hour period (${ctx.limits.bulk.records})`;
  return undefined;
}

function startIngest(ctx: EmulatorContext, jobs: Bulk2Jobs, job: IngestJob): void {
  if (job.state === 'Aborted') return;
  touch(ctx, job, 'InProgress');
  const failure = parseUploads(ctx, job) ?? chargeIngest(ctx, job);
  if (failure) {
    job.errorMessage = failure;
    finish(ctx, job, 'Failed');
    return;
  }
  processIngestChunk(ctx, jobs, job, Date.now());
}

function resultHeader(job: IngestJob, first: string[]): string {
  if (job.uploads.length > 0) parseRows(job);
  const delimiter = DELIMITERS[job.columnDelimiter] ?? ',';
  const original = (job.header ?? []).map((h) => minimalQuote(h, delimiter));
  return [...first.map(quoted), ...original].join(delimiter);
}

function sendCsv(res: Response, job: Job, lines: string[]): void {
  const eol = LINE_ENDINGS[job.lineEnding] ?? '\n';
  res
    .status(200)
    .set('Content-Type', 'text/csv')
    .send(lines.join(eol) + eol);
}

// ------------------------------------------------------------------ router

/**
 * Express 4 does not catch rejected handlers; an aborted upload would otherwise become an
 * unhandled rejection and take the emulator down.
 */
function guard(fn: (req: Request, res: Response) => Promise<unknown>): (req: Request, res: Response) => void {
  return (req, res) => {
    fn(req, res).catch((e: unknown) => {
      if (res.headersSent) res.destroy();
      else
        bulkError(
          res,
          500,
          'UNKNOWN_EXCEPTION',
          `An unexpected error occurred: ${e instanceof Error ? e.message : String(e)}`,
        );
    });
  };
}

async function readText(req: Request): Promise<string> {
  if (typeof req.body === 'string') return req.body;
  if (Buffer.isBuffer(req.body)) return req.body.toString('utf8');
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

async function readJson(req: Request): Promise<Record<string, unknown> | undefined> {
  if (req.body && typeof req.body === 'object' && !Buffer.isBuffer(req.body) && Object.keys(req.body).length > 0) {
    return req.body as Record<string, unknown>;
  }
  const text = await readText(req);
  if (text.trim() === '') return {};
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Routes for `/jobs/ingest` and `/jobs/query`; mount under `/services/data/:version/jobs`. */
export function bulk2Router(ctx: EmulatorContext): Router {
  const jobs = bulk2Jobs(ctx);
  const router = express.Router({ mergeParams: true });
  const now = () => formatDateTime(ctx.clock.now());

  const common = (
    req: Request,
    res: Response,
    body: Record<string, unknown>,
  ): Omit<JobBase, 'id' | 'object' | 'operation'> | undefined => {
    const lineEnding = str(body.lineEnding) ?? 'LF';
    const columnDelimiter = str(body.columnDelimiter) ?? 'COMMA';
    if (!LINE_ENDINGS[lineEnding]) {
      bulkError(res, 400, 'INVALIDJOB', `Invalid lineEnding: ${lineEnding}`);
      return undefined;
    }
    if (!DELIMITERS[columnDelimiter]) {
      bulkError(res, 400, 'INVALIDJOB', `Invalid columnDelimiter: ${columnDelimiter}`);
      return undefined;
    }
    const contentType = str(body.contentType) ?? 'CSV';
    if (contentType !== 'CSV') {
      bulkError(res, 400, 'INVALIDJOB', `Invalid contentType: ${contentType}`);
      return undefined;
    }
    const stamp = now();
    return {
      state: 'Open',
      createdById: sessionUser(ctx, res),
      createdDate: stamp,
      systemModstamp: stamp,
      apiVersion: apiVersion(req),
      lineEnding,
      columnDelimiter,
      numberRecordsProcessed: 0,
      retries: 0,
      totalProcessingTime: 0,
      pollsLeft: jobs.settings.inProgressPolls,
    };
  };

  const withJob = <K extends Job['kind']>(
    kind: K,
    fn: (job: Extract<Job, { kind: K }>, req: Request, res: Response) => unknown,
  ) =>
    guard(async (req: Request, res: Response): Promise<void> => {
      const job = jobs.jobs.get(String(req.params.jobId));
      if (!job || job.kind !== kind) return notFound(res);
      await fn(job as Extract<Job, { kind: K }>, req, res);
    });

  /** A job's info body (`full` with the processing counters a GET of the job shows). */
  const infoOf = (job: Job, full: boolean) => (job.kind === 'query' ? queryInfo(job, full) : ingestInfo(job, full));

  /** GET /query or /ingest: every job of `kind`, in one page. */
  const listJobs = (kind: Job['kind']) => (_req: Request, res: Response) => {
    const records = [...jobs.jobs.values()].filter((j) => j.kind === kind).map((j) => infoOf(j, false));
    sendInfo(res, 200, { done: true, records, nextRecordsUrl: null } as Record<string, unknown>);
  };

  /** GET /query/:jobId or /ingest/:jobId: one poll of the job. */
  const getJob = (kind: Job['kind']) =>
    withJob(kind, (job, _req, res) => {
      onPoll(ctx, job);
      sendInfo(res, 200, infoOf(job, true));
    });

  // ---- query
  router.post(
    '/query',
    guard(async (req, res) => {
      const body = await readJson(req);
      if (!body) return bulkError(res, 400, 'JSON_PARSER_ERROR', 'Unable to parse the request body as JSON');
      const operation = str(body.operation) ?? 'query';
      const soql = str(body.query);
      if (operation !== 'query' && operation !== 'queryAll') {
        return bulkError(res, 400, 'INVALIDJOB', `Invalid operation: ${operation}`);
      }
      if (!soql) return bulkError(res, 400, 'INVALIDJOB', 'The query is required');
      let object: string;
      try {
        // Salesforce checks the SOQL when the job is created.
        object = compileQuery(ctx.store, soql, {
          bulk: true,
          now: () => ctx.clock.now(),
          schema: visibleSchema(ctx),
        }).object;
      } catch (e) {
        if (e instanceof SoqlError) return bulkError(res, 400, e.errorCode, e.message);
        throw e;
      }
      const c = common(req, res, body);
      if (!c) return;
      if (!ctx.limits.consumeBulk('queryJobs', 1))
        return bulkError(
          res,
          400,
          'EXCEEDED_QUOTA',
          `Exceeded max number of query jobs in a 24-hour period (${ctx.limits.bulk.queryJobs})`,
        );
      const job: QueryJob = {
        ...c,
        kind: 'query',
        id: ctx.store.minter.next('BulkJob'),
        object,
        operation,
        query: soql,
      };
      job.state = 'UploadComplete';
      jobs.jobs.set(job.id, job);
      setImmediate(() => runQueryJob(ctx, job));
      sendInfo(res, 200, queryInfo(job, false));
    }),
  );

  router.get('/query', listJobs('query'));
  router.get('/query/:jobId', getJob('query'));

  router.get(
    '/query/:jobId/results',
    withJob('query', async (job, req, res) => {
      if (job.state !== 'JobComplete' || !job.result) {
        return bulkError(res, 400, 'INVALIDJOBSTATE', `Job state ${job.state} does not allow results to be retrieved`);
      }
      const total = job.result.totalSize;
      const rawMax = req.query.maxRecords;
      let max = jobs.settings.defaultMaxRecords;
      if (rawMax !== undefined) {
        const n = Number(rawMax);
        if (!Number.isInteger(n) || n <= 0) return bulkError(res, 400, 'INVALIDREQUEST', 'Invalid maxRecords');
        max = n;
      }
      let offset = 0;
      if (typeof req.query.locator === 'string' && req.query.locator !== '') {
        const o = decodeLocator(req.query.locator);
        if (o === undefined || o > total) return bulkError(res, 400, 'INVALIDREQUEST', 'Invalid locator');
        offset = o;
      }
      const count = Math.min(max, total - offset);
      const next = offset + count < total ? encodeLocator(offset + count) : 'null';
      res.status(200).set({
        'Content-Type': 'text/csv',
        'Sforce-Locator': next,
        'Sforce-NumberOfRecords': String(count),
        // A big page can take the client longer to parse than the server's keep-alive timeout;
        // closing the socket after it keeps the client from reusing a connection the server is
        // about to drop (the next request then fails with "socket hang up").
        Connection: 'close',
      });
      await writeResultsPage(res, job, offset, count);
    }),
  );

  const patchState = (kind: Job['kind']) =>
    withJob(kind, async (job, req, res) => {
      const body = await readJson(req);
      const state = body ? str(body.state) : undefined;
      const info = () => infoOf(job, false);
      if (state === 'Aborted') {
        if (isTerminal(job.state)) {
          return bulkError(
            res,
            400,
            'INVALIDJOBSTATE',
            `Aborting already ${job.state === 'JobComplete' ? 'Completed' : job.state} Job not allowed`,
          );
        }
        touch(ctx, job, 'Aborted');
        return sendInfo(res, 200, info());
      }
      if (state === 'UploadComplete' && job.kind === 'ingest') {
        if (job.state !== 'Open') {
          return bulkError(res, 400, 'INVALIDJOBSTATE', `Job state ${job.state} does not allow UploadComplete`);
        }
        touch(ctx, job, 'UploadComplete');
        setImmediate(() => startIngest(ctx, jobs, job));
        return sendInfo(res, 200, info());
      }
      return bulkError(res, 400, 'INVALIDJOBSTATE', `Invalid state change to ${String(state)}`);
    });

  router.patch('/query/:jobId', patchState('query'));

  const deleteJob = (kind: Job['kind']) =>
    withJob(kind, (job, _req, res) => {
      const deletable: JobState[] =
        kind === 'ingest'
          ? ['UploadComplete', 'JobComplete', 'Aborted', 'Failed']
          : ['JobComplete', 'Aborted', 'Failed'];
      if (!deletable.includes(job.state)) {
        return bulkError(res, 400, 'INVALIDJOBSTATE', `Job state ${job.state} does not allow deletion`);
      }
      jobs.jobs.delete(job.id);
      res.status(204).end();
    });

  router.delete('/query/:jobId', deleteJob('query'));

  // ---- ingest
  router.post(
    '/ingest',
    guard(async (req, res) => {
      const body = await readJson(req);
      if (!body) return bulkError(res, 400, 'JSON_PARSER_ERROR', 'Unable to parse the request body as JSON');
      const operation = str(body.operation) ?? '';
      const objectRaw = str(body.object) ?? '';
      if (!INGEST_OPERATIONS.has(operation))
        return bulkError(res, 400, 'INVALIDJOB', `Invalid operation: ${operation}`);
      const object = ctx.store.objectName(objectRaw);
      if (!object) return bulkError(res, 400, 'INVALIDJOB', `InvalidJob : Invalid object: ${objectRaw}`);
      const externalIdFieldName = str(body.externalIdFieldName);
      if (operation === 'upsert') {
        if (!externalIdFieldName)
          return bulkError(res, 400, 'INVALIDJOB', 'External ID field name is required for upsert');
        if (!ctx.schema.field(object, externalIdFieldName)) {
          return bulkError(res, 400, 'INVALIDJOB', `InvalidJob : Field name not found : ${externalIdFieldName}`);
        }
      }
      const c = common(req, res, body);
      if (!c) return;
      if (ctx.limits.bulkUsed('batches') >= ctx.limits.bulk.batches)
        return bulkError(
          res,
          400,
          'EXCEEDED_QUOTA',
          `Exceeded max number of batches in a 24-hour period (${ctx.limits.bulk.batches})`,
        );
      const job: IngestJob = {
        ...c,
        kind: 'ingest',
        id: ctx.store.minter.next('BulkJob'),
        object,
        operation,
        externalIdFieldName,
        assignmentRuleId: str(body.assignmentRuleId),
        numberRecordsFailed: 0,
        uploads: [],
        rows: [],
        processedUpTo: 0,
        successful: [],
        failed: [],
      };
      jobs.jobs.set(job.id, job);
      sendInfo(res, 200, ingestInfo(job, false));
    }),
  );

  router.get('/ingest', listJobs('ingest'));

  router.put(
    '/ingest/:jobId/batches',
    withJob('ingest', async (job, req, res) => {
      const text = await readText(req);
      if (job.state !== 'Open') {
        return bulkError(res, 400, 'INVALIDJOBSTATE', `Job state ${job.state} does not allow data upload`);
      }
      job.uploads.push(text);
      touch(ctx, job);
      res.status(201).end();
    }),
  );

  router.patch('/ingest/:jobId', patchState('ingest'));

  router.get('/ingest/:jobId', getJob('ingest'));

  router.get(
    '/ingest/:jobId/successfulResults',
    withJob('ingest', (job, _req, res) =>
      sendCsv(res, job, [resultHeader(job, ['sf__Id', 'sf__Created']), ...job.successful]),
    ),
  );
  router.get(
    '/ingest/:jobId/failedResults',
    withJob('ingest', (job, _req, res) =>
      sendCsv(res, job, [resultHeader(job, ['sf__Id', 'sf__Error']), ...job.failed]),
    ),
  );
  router.get(
    '/ingest/:jobId/unprocessedrecords',
    withJob('ingest', (job, _req, res) => {
      const delimiter = DELIMITERS[job.columnDelimiter] ?? ',';
      if (job.uploads.length > 0) parseRows(job);
      const header = (job.header ?? []).map((h) => minimalQuote(h, delimiter)).join(delimiter);
      const rest = job.rows.slice(job.processedUpTo).map((r) => csvLine(r, delimiter));
      sendCsv(res, job, [header, ...rest]);
    }),
  );

  router.delete('/ingest/:jobId', deleteJob('ingest'));

  return router;
}
