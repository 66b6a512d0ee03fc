/**
 * The writer: sends each account's changed fields to Salesforce — sObject collections (200 records per
 * call) for small sets, one Bulk API 2.0 ingest job above a threshold — and marks a value written only
 * when Salesforce confirmed that record. Lock errors are retried (grouped, then one by one); other
 * per-record errors are recorded as permanent failures. A call budget, or Salesforce's own limit, stops
 * the write cleanly: what was not confirmed is simply sent again next time.
 */
import type { Connection } from 'jsforce';
import { parse as parseCsv } from 'csv-parse/sync';
import { stringify as stringifyCsv } from 'csv-stringify/sync';
import type { Db } from '../store/db';
import { ACCOUNT_WRITES, type WriteFailure, type WriteLedgerStore } from '../store/writes';
import type { OutputValue } from './outputs';
import { log } from '../log';
import { NETWORK_RETRY, realSleep, withRetry, type RetryOptions, type Verdict } from '../sources/retry';

/** One account's desired field values (field API name → value); with `sobject` Lead, `accountId` is the lead's id. */
export interface AccountValues {
  accountId: string;
  values: Record<string, OutputValue>;
}

/** Where the writer keeps what Salesforce confirmed and what failed for good (one per written object). */
export type WriteLedger = Pick<WriteLedgerStore, 'load' | 'mark' | 'recordFailures'>;

/** The Account ledger: written_values and write_failures. */
export const ACCOUNT_LEDGER: WriteLedger = ACCOUNT_WRITES;

/** Knobs of one write. */
export interface WriteOptions {
  db: Db;
  conn: Connection;
  orgId: string;
  /**
   * The accounts' values: all at once, or batches as they are built (then each batch is compared with
   * the ledger and dropped, and only the changed values are held until they are written).
   */
  accounts: readonly AccountValues[] | AsyncIterable<readonly AccountValues[]>;
  /** The object written (default Account); the lead write-back passes Lead with its own ledger. */
  sobject?: 'Account' | 'Lead';
  /** Confirmed values and failures of `sobject` (default ACCOUNT_LEDGER). */
  ledger?: WriteLedger;
  /** Fields sent only along with another changed field of the account (e.g. the scored-at stamp). */
  rideAlong?: readonly string[];
  /** More changed accounts than this go through one Bulk API 2.0 job (default 2000). */
  bulkThreshold?: number;
  /** Most API calls this write may make (default: unlimited). */
  maxApiCalls?: number;
  /**
   * Bulk API 2.0 ingest batches (10,000 records each) left in the org's day (null/absent: unknown). A
   * Bulk write that would need more goes through collections instead, as does one whose first job
   * Salesforce refuses with EXCEEDED_QUOTA.
   */
  bulkBatchesRemaining?: number | null;
  /** Bytes of CSV per Bulk API 2.0 job (default MAX_JOB_BYTES); more data opens more jobs. */
  maxJobBytes?: number;
  /** Grouped retry rounds for UNABLE_TO_LOCK_ROW before going one record per call (default 2). */
  lockRetries?: number;
  /** Bulk job polling interval (default 2000 ms; Salesforce asks clients not to poll faster). */
  pollIntervalMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** The call retries' jitter, in [0, 1) (default Math.random). */
  random?: () => number;
  /** Called when a batch's results start being stored (benchmarks time the marks). */
  onSettle?: () => void;
  /** Called after each batch's results are stored (tests throw here to simulate a crash). */
  afterBatch?: (batch: { mode: 'collections' | 'bulk' | 'serial'; records: number }) => void | Promise<void>;
}

/** How any write-back ended (the Account write and the Lead write). */
export interface WriteTally<Failure> {
  /** ok: everything changed is confirmed or permanently failed; budget/limit: stopped early, rest next time. */
  status: 'ok' | 'budget' | 'limit';
  mode: 'none' | 'collections' | 'bulk';
  fieldsWritten: number;
  /** Write calls (the describe and /limits before them are not counted). */
  apiCalls: number;
  lockRetries: number;
  failures: Failure[];
  /** Changed records neither confirmed nor failed (sent again next write). */
  pending: number;
}

/** How an Account write ended. */
export interface WriteResult extends WriteTally<WriteFailure> {
  accountsChanged: number;
  accountsWritten: number;
  /** Wall time spent inside API calls (not the polling waits, not the database). */
  apiMs: number;
}

/** One record to send: only its changed fields, values as JSON text for the written_values table. */
interface Pending {
  accountId: string;
  fields: Record<string, OutputValue>;
}

interface RecordOutcome {
  accountId: string;
  ok: boolean;
  statusCode?: string;
  message?: string;
}

const COLLECTION_SIZE = 200;
const MAX_POLL_MS = 30_000;
/** Salesforce takes at most 150 MB base64 (about 100 MB of CSV) per ingest job upload. */
export const MAX_JOB_BYTES = 100_000_000;
const LOCK = 'UNABLE_TO_LOCK_ROW';
/** Salesforce splits Bulk API 2.0 ingest data into batches of 10,000 records, each counted against the daily limit. */
const RECORDS_PER_BATCH = 10_000;
/**
 * Sent on every write: without it Salesforce runs the org's active assignment rules on each Lead (and
 * Account) Pulse updates, and a lead routing rule would hand every matched lead to a new owner
 * (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_autoassign.htm).
 */
export const NO_AUTO_ASSIGN = { 'Sforce-Auto-Assign': 'FALSE' } as const;

/** Thrown inside the writer when the budget or Salesforce's limit stops it. */
class Stop extends Error {
  constructor(readonly why: 'budget' | 'limit') {
    super(why);
  }
}

/** The changed fields of each account against the confirmed values; accounts with none are left out. */
export function diffAccounts(
  accounts: readonly AccountValues[],
  written: ReadonlyMap<string, ReadonlyMap<string, string>>,
  rideAlong: readonly string[] = [],
): Pending[] {
  const along = new Set(rideAlong);
  const out: Pending[] = [];
  for (const a of accounts) {
    const before = written.get(a.accountId);
    const fields: Record<string, OutputValue> = {};
    let changed = false;
    for (const [field, value] of Object.entries(a.values)) {
      if (along.has(field)) continue;
      if (before?.get(field) !== JSON.stringify(value)) {
        fields[field] = value;
        changed = true;
      }
    }
    if (!changed) continue;
    for (const field of along) if (field in a.values) fields[field] = a.values[field]!;
    out.push({ accountId: a.accountId, fields });
  }
  return out;
}

/** One write in progress: its options, what is pending by id, the result so far, and its one call gate. */
interface Write {
  opts: WriteOptions;
  byId: Map<string, Pending>;
  result: WriteResult;
  call: Call;
  sleep: (ms: number) => Promise<void>;
  sobject: string;
  ledger: WriteLedger;
}

/** The changed values of `accounts` against what the ledger says was written, a batch at a time. */
async function pendingOf(
  db: Db,
  orgId: string,
  ledger: WriteLedger,
  accounts: WriteOptions['accounts'],
  rideAlong: readonly string[] | undefined,
): Promise<Pending[]> {
  const batches = Symbol.asyncIterator in accounts ? accounts : [accounts as readonly AccountValues[]];
  const pending: Pending[] = [];
  for await (const batch of batches) {
    const written = await ledger.load(
      db,
      orgId,
      batch.map((a) => a.accountId),
    );
    for (const p of diffAccounts(batch, written, rideAlong)) pending.push(p);
  }
  return pending;
}

/** Writes the changed values of `accounts` to Salesforce; see the module comment. */
export async function writeAccounts(opts: WriteOptions): Promise<WriteResult> {
  const { db, orgId } = opts;
  const ledger = opts.ledger ?? ACCOUNT_LEDGER;
  const pending = await pendingOf(db, orgId, ledger, opts.accounts, opts.rideAlong);
  let mode: WriteResult['mode'] =
    pending.length === 0 ? 'none' : pending.length > (opts.bulkThreshold ?? 2000) ? 'bulk' : 'collections';
  const batchesLeft = opts.bulkBatchesRemaining;
  if (mode === 'bulk' && batchesLeft != null && Math.ceil(pending.length / RECORDS_PER_BATCH) > batchesLeft) {
    log.info(
      { org: orgId, batchesLeft, records: pending.length },
      'no Bulk API 2.0 batches left today: writing with collections',
    );
    mode = 'collections';
  }
  const result: WriteResult = {
    status: 'ok',
    mode,
    accountsChanged: pending.length,
    accountsWritten: 0,
    fieldsWritten: 0,
    apiCalls: 0,
    apiMs: 0,
    lockRetries: 0,
    failures: [],
    pending: pending.length,
  };
  if (pending.length === 0) return result;
  const sleep = opts.sleep ?? realSleep;
  const w: Write = {
    opts,
    byId: new Map(pending.map((p) => [p.accountId, p])),
    result,
    call: callGate(result, opts.maxApiCalls ?? Infinity, { sleep, random: opts.random }),
    sleep,
    sobject: opts.sobject ?? 'Account',
    ledger,
  };
  try {
    let locked =
      result.mode === 'bulk'
        ? await viaBulk(w, pending)
        : await viaCollections(w, [...w.byId.keys()], COLLECTION_SIZE, 'collections', false);
    for (let round = 0; round < (opts.lockRetries ?? 2) && locked.length > 0; round++) {
      result.lockRetries += locked.length;
      locked = await viaCollections(w, locked, COLLECTION_SIZE, 'collections', false);
    }
    if (locked.length > 0) {
      result.lockRetries += locked.length;
      // One record per call: a lock that persists there is a real conflict, recorded as a failure.
      await viaCollections(w, locked, 1, 'serial', true);
    }
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
    result.status = e.why;
    log.warn(
      { org: orgId, why: e.why, apiCalls: result.apiCalls, pending: result.pending },
      'write-back stopped early',
    );
  }
  return result;
}

/**
 * Every API call of a write goes through here: counted against the budget (a spent budget or
 * Salesforce's REQUEST_LIMIT_EXCEEDED stops the write), timed, and sent again when a kept-alive
 * socket the server closed means the request never ran.
 */
function callGate(result: WriteResult, maxCalls: number, retry: Pick<RetryOptions, 'sleep' | 'random'>): Call {
  return <T>(fn: () => Promise<T>): Promise<T> =>
    withRetry(
      async (): Promise<Verdict<T>> => {
        if (result.apiCalls >= maxCalls) throw new Stop('budget');
        result.apiCalls++;
        const t0 = performance.now();
        try {
          return { done: await fn() };
        } catch (e) {
          const code = (e as { errorCode?: string; name?: string }).errorCode ?? (e as { name?: string }).name;
          if (code === 'REQUEST_LIMIT_EXCEEDED') throw new Stop('limit');
          return isNetworkError(e) ? { backoff: e } : { fail: e };
        } finally {
          result.apiMs += performance.now() - t0;
        }
      },
      // Sent again only after a network error (the request may never have reached Salesforce),
      // never after an HTTP answer (../sources/retry.ts says why resending a write is safe).
      { policy: NETWORK_RETRY, ...retry },
    );
}

/** Stores a batch's outcomes in the ledger and the result; returns the ids that failed to lock. */
async function settle(
  w: Write,
  outcomes: RecordOutcome[],
  mode: 'collections' | 'bulk' | 'serial',
  last: boolean,
): Promise<string[]> {
  const { opts, result } = w;
  opts.onSettle?.();
  const ok: { accountId: string; field: string; value: string }[] = [];
  const failed: WriteFailure[] = [];
  const locked: string[] = [];
  for (const o of outcomes) {
    const p = w.byId.get(o.accountId);
    if (!p) continue;
    if (o.ok) {
      for (const [field, value] of Object.entries(p.fields))
        ok.push({ accountId: p.accountId, field, value: JSON.stringify(value) });
      result.accountsWritten++;
      result.fieldsWritten += Object.keys(p.fields).length;
      result.pending--;
    } else if (o.statusCode === LOCK && !last) {
      locked.push(o.accountId);
    } else {
      failed.push({
        accountId: o.accountId,
        statusCode: o.statusCode ?? 'UNKNOWN',
        message: o.message ?? '',
        fields: Object.keys(p.fields),
      });
      result.pending--;
    }
  }
  await w.ledger.mark(opts.db, opts.orgId, ok);
  await w.ledger.recordFailures(opts.db, opts.orgId, failed);
  result.failures.push(...failed);
  await opts.afterBatch?.({ mode, records: outcomes.length });
  return locked;
}

/** Sends `ids` in sObject collections of `size`; returns the ids that failed to lock. */
async function viaCollections(
  w: Write,
  ids: string[],
  size: number,
  mode: 'collections' | 'serial',
  last: boolean,
): Promise<string[]> {
  const locked: string[] = [];
  for (let i = 0; i < ids.length; i += size) {
    const chunk = ids.slice(i, i + size).map((id) => w.byId.get(id)!);
    const outcomes = await w.call(() => sendCollection(w.opts.conn, chunk, w.sobject));
    locked.push(...(await settle(w, outcomes, mode, last)));
  }
  return locked;
}

/** Sends everything through Bulk API 2.0 jobs; returns the ids that failed to lock. */
async function viaBulk(w: Write, pending: readonly Pending[]): Promise<string[]> {
  const { opts } = w;
  // Every job is opened first so Salesforce works on them in parallel, then each is read.
  const jobs: { id: string; records: Pending[]; closedAt: number }[] = [];
  for (const g of bulkCsvs(pending, opts.maxJobBytes ?? MAX_JOB_BYTES)) {
    let id: string;
    try {
      id = await openBulkJob(opts.conn, g.csv, w.call, w.sobject);
    } catch (e) {
      // The day's Bulk limit refused the first job: nothing was sent, so collections carry the write.
      if ((e as { errorCode?: string }).errorCode !== 'EXCEEDED_QUOTA' || jobs.length > 0) throw e;
      log.info({ org: opts.orgId }, 'Bulk API 2.0 refused the job (EXCEEDED_QUOTA): writing with collections');
      w.result.mode = 'collections';
      return viaCollections(w, [...w.byId.keys()], COLLECTION_SIZE, 'collections', false);
    }
    jobs.push({ id, records: g.records, closedAt: performance.now() });
  }
  const locked: string[] = [];
  for (const j of jobs) {
    const outcomes = await finishBulkJob(
      opts.conn,
      j.id,
      j.closedAt,
      j.records,
      w.call,
      w.sleep,
      opts.pollIntervalMs ?? 2000,
    );
    locked.push(...(await settle(w, outcomes, 'bulk', false)));
  }
  return locked;
}

function isNetworkError(e: unknown): boolean {
  const x = e as { name?: string; code?: string; message?: string };
  return (
    x.name === 'FetchError' ||
    ['ECONNRESET', 'EPIPE', 'ECONNREFUSED', 'UND_ERR_SOCKET'].includes(x.code ?? '') ||
    /socket hang up/i.test(x.message ?? '') ||
    // jsforce's own deadline (sources/salesforce/connection.ts withCallTimeout) aborts the call: the
    // update may or may not have been applied, and sending the same values again is harmless.
    x.name === 'AbortError'
  );
}

/** One sObject collections update (allOrNone false); per-record outcomes in request order. */
async function sendCollection(conn: Connection, records: Pending[], sobject: string): Promise<RecordOutcome[]> {
  const body = {
    allOrNone: false,
    records: records.map((r) => ({ attributes: { type: sobject }, Id: r.accountId, ...r.fields })),
  };
  const res = await conn.request<
    { id?: string; success: boolean; errors?: { statusCode: string; message: string }[] }[]
  >({
    method: 'PATCH',
    url: `/services/data/v${conn.version}/composite/sobjects`,
    body: JSON.stringify(body),
    headers: { 'Content-Type': 'application/json', ...NO_AUTO_ASSIGN },
  });
  return records.map((r, i) => {
    const x = res[i];
    if (x?.success) return { accountId: r.accountId, ok: true };
    const err = x?.errors?.[0];
    return {
      accountId: r.accountId,
      ok: false,
      statusCode: err?.statusCode ?? 'UNKNOWN',
      message: err?.message ?? 'no result',
    };
  });
}

/** CSV cell for Bulk API 2.0: empty leaves a field unchanged, so null is sent as #N/A. */
function csvCell(v: OutputValue | undefined): string {
  if (v === undefined) return '';
  if (v === null || v === '') return '#N/A';
  return String(v);
}

/** Bulk API 2.0 update CSVs of the pending records, each within `maxBytes` (one column per changed field). */
export function bulkCsvs(records: readonly Pending[], maxBytes: number): { csv: string; records: Pending[] }[] {
  const columns = [...new Set(records.flatMap((r) => Object.keys(r.fields)))].sort();
  const header = stringifyCsv([['Id', ...columns]], { record_delimiter: 'unix' });
  const out: { csv: string; records: Pending[] }[] = [];
  let parts: string[] = [header];
  let size = Buffer.byteLength(header);
  let group: Pending[] = [];
  for (const r of records) {
    const line = stringifyCsv([[r.accountId, ...columns.map((c) => csvCell(r.fields[c]))]], {
      record_delimiter: 'unix',
    });
    const bytes = Buffer.byteLength(line);
    if (group.length > 0 && size + bytes > maxBytes) {
      out.push({ csv: parts.join(''), records: group });
      parts = [header];
      size = Buffer.byteLength(header);
      group = [];
    }
    parts.push(line);
    size += bytes;
    group.push(r);
  }
  if (group.length) out.push({ csv: parts.join(''), records: group });
  return out;
}

type Call = <T>(fn: () => Promise<T>) => Promise<T>;

/** Creates one Bulk API 2.0 update job, uploads its CSV and closes it (3 calls); returns the job id. */
async function openBulkJob(conn: Connection, csv: string, call: Call, sobject: string): Promise<string> {
  const base = `/services/data/v${conn.version}/jobs/ingest`;
  // A fresh object per request: jsforce writes Content-Length into the headers it is given.
  const json = () => ({ 'Content-Type': 'application/json', ...NO_AUTO_ASSIGN });
  const job = await call(() =>
    conn.request<{ id: string }>({
      method: 'POST',
      url: base,
      body: JSON.stringify({ object: sobject, operation: 'update', contentType: 'CSV', lineEnding: 'LF' }),
      headers: json(),
    }),
  );
  await call(() =>
    conn.request({
      method: 'PUT',
      url: `${base}/${job.id}/batches`,
      body: csv,
      headers: { 'Content-Type': 'text/csv', ...NO_AUTO_ASSIGN },
    }),
  );
  await call(() =>
    conn.request({
      method: 'PATCH',
      url: `${base}/${job.id}`,
      body: JSON.stringify({ state: 'UploadComplete' }),
      headers: json(),
    }),
  );
  return job.id;
}

/**
 * Polls a job to its end and reads its outcome: when every row was processed and none failed the job
 * info says it all (1 call); otherwise the failed (and, for an unfinished job, successful) results are read.
 */
async function finishBulkJob(
  conn: Connection,
  jobId: string,
  closedAt: number,
  records: Pending[],
  call: Call,
  sleep: (ms: number) => Promise<void>,
  pollMs: number,
): Promise<RecordOutcome[]> {
  const base = `/services/data/v${conn.version}/jobs/ingest/${jobId}`;
  let info: { state: string; errorMessage?: string; numberRecordsProcessed?: number; numberRecordsFailed?: number };
  // A job closed a moment ago is still InProgress: polling at once would only spend a call.
  const since = performance.now() - closedAt;
  if (since < pollMs) await sleep(pollMs - since);
  let polls = 1;
  for (;;) {
    info = await call(() => conn.request<typeof info>({ method: 'GET', url: base }));
    if (info.state === 'JobComplete' || info.state === 'Failed' || info.state === 'Aborted') break;
    // Back off like Salesforce asks: each poll is an API call, a long job needs few of them.
    await sleep(Math.min(pollMs * 2 ** polls++, MAX_POLL_MS));
  }
  const processed = info.numberRecordsProcessed ?? 0;
  const failedCount = info.numberRecordsFailed ?? 0;
  if (info.state === 'JobComplete' && processed === records.length && failedCount === 0) {
    return records.map((r) => ({ accountId: r.accountId, ok: true }));
  }
  if (info.state !== 'JobComplete' && processed === 0) {
    throw new Error(`Bulk API 2.0 job ${jobId} ${info.state}: ${info.errorMessage ?? ''}`);
  }
  const text = { responseType: 'text/plain' };
  const ids = new Map(records.map((r) => [r.accountId.slice(0, 15), r.accountId]));
  const outcomes: RecordOutcome[] = [];
  const bad = await call(() => conn.request<string>({ method: 'GET', url: `${base}/failedResults` }, text));
  const failedIds = new Set<string>();
  for (const row of parseCsv(bad, { columns: true }) as Record<string, string>[]) {
    const id = ids.get((row.Id || row.sf__Id || '').slice(0, 15));
    if (!id) continue;
    failedIds.add(id);
    const err = row.sf__Error ?? '';
    const colon = err.indexOf(':');
    outcomes.push({
      accountId: id,
      ok: false,
      statusCode: colon > 0 ? err.slice(0, colon) : err,
      message: colon > 0 ? err.slice(colon + 1).replace(/:--$/, '') : err,
    });
  }
  if (info.state === 'JobComplete' && processed === records.length) {
    for (const r of records) if (!failedIds.has(r.accountId)) outcomes.push({ accountId: r.accountId, ok: true });
    return outcomes;
  }
  // Partly processed: only rows Salesforce lists as successful count as written.
  const ok = await call(() => conn.request<string>({ method: 'GET', url: `${base}/successfulResults` }, text));
  for (const row of parseCsv(ok, { columns: true }) as Record<string, string>[]) {
    const id = ids.get((row.sf__Id ?? row.Id ?? '').slice(0, 15));
    if (id) outcomes.push({ accountId: id, ok: true });
  }
  return outcomes;
}
