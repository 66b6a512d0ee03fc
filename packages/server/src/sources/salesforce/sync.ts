/**
 * One Salesforce pull for one org: read /limits, run the read preflight on first pull, stream
 * every object from its checkpoint (the SystemModstamp watermark, minus an overlap) page by page,
 * store each page and advance its checkpoint in one transaction, then resolve people and accounts.
 * A run stopped anywhere (crash, budget, API error) resumes from the checkpoints next time.
 */
import type { Connection } from 'jsforce';
import { PulseError } from '../../errors';
import { log } from '../../log';
import type { Db } from '../../store/db';
import { ensureOrg } from '../../store/orgs';
import { startRun, updateRun } from '../../store/runs';
import { getCheckpoint, resetSalesforceCheckpoints, saveCheckpoint } from '../../store/checkpoints';
import { finishPull, type PullOutcome } from '../pull';
import { readDailyAllowance, type AllowanceSource } from './allowance';
import { bulkQueryPages } from './bulk';
import { ApiBudget, BudgetExhausted, queryPages } from './extract';
import { applyPage, loadLookups, type LoadContext } from './load';
import { DEFAULT_ACTIVITY_RULES, parseSfDate, type ActivityRules, type SfRow } from './records';
import { buildStreamQuery, countQuery, streamsWith, type SalesforceStream } from './objects';
import { readPreflight } from './readPreflight';
import { resolveAll } from './resolve';

/** Progress as a run reports it after every page. */
export interface SyncProgress {
  object: string;
  objectIndex: number;
  objects: number;
  records: number;
  apiCalls: number;
}

/** Options of one pull. */
export interface SyncOptions {
  db: Db;
  orgId: string;
  conn: Connection;
  /** Forget the checkpoints and pull everything. */
  full?: boolean;
  /** Share of the remaining daily API calls this run may use (default 0.1). */
  budgetShare?: number;
  /** Daily requests assumed when neither /limits nor the Sforce-Limit-Info header says (default 15,000). */
  assumedDailyRequests?: number;
  /** Re-read this much before each checkpoint's watermark to catch clock skew (default 5 minutes). */
  overlapMs?: number;
  /** Records per query page (Salesforce: 200–2000; default 2000). */
  pageSize?: number;
  /** A first pull of an object with at least this many records uses Bulk API 2.0 (default 50,000). */
  bulkThreshold?: number;
  /** Records per Bulk API 2.0 results page (default 20,000: bounds peak memory). */
  bulkPageSize?: number;
  /** First wait before polling a Bulk job again (doubles up to 5 s; default 250 ms). */
  bulkPollMs?: number;
  /** Rules for the activity type of Tasks and CampaignMembers (default DEFAULT_ACTIVITY_RULES). */
  activityRules?: ActivityRules;
  /** Extra fields per object, stored in the record's attributes. */
  extraFields?: Record<string, readonly string[]>;
  onProgress?: (p: SyncProgress) => void;
  /** Called after each stored page (tests use it to crash between batches). */
  afterPage?: (object: string, page: number) => void | Promise<void>;
}

/** What a run did; a `partial` run has reason `budget` (its share of the API calls was spent). */
export interface SyncResult extends PullOutcome {
  runId: number;
  counts: Record<string, number>;
  apiCalls: {
    total: number;
    allowed: number;
    remainingAtStart: number;
    /** Where remainingAtStart came from: /limits, else the Sforce-Limit-Info header, else the assumption. */
    limitsSource: AllowanceSource;
    /** Bulk API 2.0 query jobs and ingest batches left today at the start (null: /limits unreadable). */
    bulkQueryJobsRemaining: number | null;
    bulkBatchesRemaining: number | null;
    byObject: Record<string, number>;
  };
  resolved: Record<string, number>;
  error?: string;
  /** What the run decided around a missing permission (e.g. budgeting without /limits), also in the run log. */
  notes: string[];
}

/** Runs one pull and records it in `runs` (kind 'sync'); rethrows only configuration errors. */
export async function syncSalesforce(opts: SyncOptions): Promise<SyncResult> {
  const { db, orgId, conn } = opts;
  await ensureOrg(db, orgId);
  const start = { full: opts.full ?? false };
  const runId = await startRun(db, orgId, 'sync', start);
  const budget = new ApiBudget(1);
  const counts: Record<string, number> = {};
  let remainingAtStart = 0;
  let limitsSource: AllowanceSource = 'limits';
  let bulkQueryJobsRemaining: number | null = null;
  let bulkBatchesRemaining: number | null = null;
  /** Said in the run log: how the budget was decided when /limits could not be read. */
  const notes: Array<Record<string, unknown>> = [];
  const apiCalls = () => ({
    total: budget.used,
    allowed: budget.allowed,
    remainingAtStart,
    limitsSource,
    bulkQueryJobsRemaining,
    bulkBatchesRemaining,
    byObject: budget.byObject,
  });
  let outcome: PullOutcome = { status: 'succeeded' };
  let error: string | undefined;
  let resolved: Record<string, number> = {};
  // The same answer on every way out: failed, partial or succeeded.
  const result = () => ({
    runId,
    ...outcome,
    counts,
    apiCalls: apiCalls(),
    resolved,
    error,
    notes: notes.map((n) => String(n.message)),
  });
  try {
    budget.take('limits');
    const allowance = await readDailyAllowance(conn, orgId, { assumedDailyRequests: opts.assumedDailyRequests });
    remainingAtStart = allowance.remaining;
    limitsSource = allowance.source;
    ({ bulkQueryJobsRemaining, bulkBatchesRemaining } = allowance);
    if (allowance.note) notes.push({ code: 'SF_LIMITS_FALLBACK', message: allowance.note });
    budget.allowed = Math.max(1, Math.floor(remainingAtStart * (opts.budgetShare ?? 0.1)));
    if (opts.full) await resetSalesforceCheckpoints(db, orgId);

    const streams = streamsWith(opts.extraFields);
    const firstPull: SalesforceStream[] = [];
    for (const s of streams) if ((await getCheckpoint(db, orgId, s.object)).watermark === null) firstPull.push(s);

    const ctx: LoadContext = {
      orgId,
      activityRules: opts.activityRules ?? DEFAULT_ACTIVITY_RULES,
      ...(await loadLookups(db, orgId)),
    };
    const bulk = {
      jobsLeft: bulkQueryJobsRemaining,
      note: (n: string) => notes.push({ code: 'SF_BULK_QUOTA', message: n }),
    };
    try {
      // Inside the budget stop: an org already past its (soft) daily limit leaves no call for it.
      await readPreflight(conn, orgId, firstPull, budget);
      for (const [i, stream] of streams.entries()) {
        const t0 = Date.now();
        counts[stream.object] = await pullStream(opts, stream, ctx, budget, bulk, (records) =>
          opts.onProgress?.({
            object: stream.object,
            objectIndex: i,
            objects: streams.length,
            records,
            apiCalls: budget.used,
          }),
        );
        log.debug({ org: orgId, object: stream.object, records: counts[stream.object], ms: Date.now() - t0 }, 'pulled');
        await updateRun(db, orgId, runId, { counts, apiCalls: apiCalls() });
      }
    } catch (e) {
      if (!(e instanceof BudgetExhausted)) throw e;
      outcome = { status: 'partial', reason: 'budget' };
      error = e.message;
    }
    // Local and idempotent: run even after a budget stop so what was stored is consistent.
    const t1 = Date.now();
    resolved = await resolveAll(db, orgId);
    log.debug({ org: orgId, ...resolved, ms: Date.now() - t1 }, 'resolved people and accounts');
  } catch (e) {
    outcome = { status: 'failed' };
    error = e instanceof Error ? e.message : String(e);
    await finishPull(db, orgId, { id: runId, state: start }, outcome, {
      counts,
      apiCalls: apiCalls(),
      errors: [errorEntry(e), ...notes],
    });
    log.warn({ org: orgId, runId, status: outcome.status, err: error }, 'salesforce sync failed');
    if (e instanceof PulseError && (e.code === 'SF_PERMISSION' || e.code === 'SF_AUTH')) throw e;
    return result();
  }
  await finishPull(db, orgId, { id: runId, state: start }, outcome, {
    counts,
    apiCalls: apiCalls(),
    errors: [...(error ? [{ code: 'SF_BUDGET', message: error }] : []), ...notes],
  });
  if (outcome.status === 'partial') log.info({ org: orgId, runId, ...outcome, err: error }, 'salesforce sync stopped');
  return result();
}

function errorEntry(e: unknown): Record<string, unknown> {
  const err = e as { errorCode?: string; code?: string; message?: string; context?: unknown };
  return { code: err.errorCode ?? err.code ?? 'ERROR', message: err.message ?? String(e), context: err.context };
}

/** Pulls one object from its checkpoint; returns records stored. */
async function pullStream(
  opts: SyncOptions,
  stream: SalesforceStream,
  ctx: LoadContext,
  budget: ApiBudget,
  bulk: { jobsLeft: number | null; note: (message: string) => void },
  progress: (records: number) => void,
): Promise<number> {
  const { db, orgId } = opts;
  const wm = (await getCheckpoint(db, orgId, stream.object)).watermark;
  const since = wm ? new Date(wm.getTime() - (opts.overlapMs ?? 5 * 60_000)) : null;
  const soql = buildStreamQuery(stream, since);
  let records = 0;
  let page = 0;
  progress(0);
  if (!wm && (await countRecords(opts.conn, stream.object, budget)) >= (opts.bulkThreshold ?? 50_000)) {
    if (bulk.jobsLeft === 0) {
      bulk.note(`no Bulk API 2.0 query jobs left today: ${stream.object} was pulled with REST queryAll pages`);
    } else {
      // Bulk results come unordered, so the checkpoint moves once, after the last page: a run
      // killed mid-way re-reads this object (idempotently) instead of skipping records.
      let newest: Date | null = null;
      try {
        for await (const rows of bulkQueryPages(opts.conn, soql.replace(/ ORDER BY .*$/, ''), {
          object: stream.object,
          budget,
          pageSize: opts.bulkPageSize ?? 20_000,
          pollMs: opts.bulkPollMs,
        })) {
          const max = maxModstamp(rows);
          if (max && (!newest || max > newest)) newest = max;
          await db.transaction((tx) => applyPage(tx, stream.object, rows, ctx));
          records += rows.length;
          progress(records);
          await opts.afterPage?.(stream.object, page++);
        }
        if (newest) await saveCheckpoint(db, orgId, stream.object, { watermark: newest, cursor: null }, records);
        return records;
      } catch (e) {
        // The daily query-job limit (unknown when /limits is unreadable) refuses the job itself: REST instead.
        if ((e as { errorCode?: string }).errorCode !== 'EXCEEDED_QUOTA' || records > 0) throw e;
        bulk.jobsLeft = 0;
        bulk.note(
          `Bulk API 2.0 refused a query job (EXCEEDED_QUOTA): ${stream.object} was pulled with REST queryAll pages`,
        );
      }
    }
  }
  for await (const rows of queryPages(opts.conn, soql, {
    object: stream.object,
    budget,
    pageSize: opts.pageSize,
  })) {
    const newest = maxModstamp(rows);
    await db.transaction(async (tx) => {
      await applyPage(tx, stream.object, rows, ctx);
      if (newest) await saveCheckpoint(tx, orgId, stream.object, { watermark: newest, cursor: null }, rows.length);
    });
    records += rows.length;
    progress(records);
    await opts.afterPage?.(stream.object, page++);
  }
  // An object with no rows still gets a checkpoint, so its read preflight is not repeated.
  if (!wm && records === 0) await saveCheckpoint(db, orgId, stream.object, { watermark: new Date(0), cursor: null }, 0);
  return records;
}

/** Records of an object including the recycle bin (one call), to choose REST or Bulk. */
async function countRecords(conn: Connection, object: string, budget: ApiBudget): Promise<number> {
  budget.take(object);
  const r = await conn.request<{ totalSize: number }>(`/queryAll?q=${encodeURIComponent(countQuery(object))}`);
  return r.totalSize;
}

function maxModstamp(rows: readonly SfRow[]): Date | null {
  let max: Date | null = null;
  for (const r of rows) {
    const d = parseSfDate(r.SystemModstamp);
    if (d && (!max || d > max)) max = d;
  }
  return max;
}
