/**
 * The daily run of one org: lock → pull (Salesforce, then every configured MAP) → score today
 * (publishing the model, with its 90-day back-fill, on the first run or when the model file changed)
 * → write the changed values back → record the run. Each stage picks up where an interrupted run
 * stopped (pull watermarks, confirmed written values), so a failed or crashed run is resumed by the
 * next one rather than repeated.
 */
import { hostname } from 'node:os';
import type { Connection } from 'jsforce';
import type { Config, SalesforceAuth } from '../config';
import { readModelFile } from '../modelFile';
import { PulseError, ValidationError } from '../errors';
import { log } from '../log';
import { DEFAULT_MODEL_DOCUMENT } from '../model/defaults';
import { parseModel, type Model } from '../model/schema';
import { publishModel, scoreOrg } from '../engine/engine';
import { scoreShadow, type ShadowScored } from '../engine/shadow';
import type { AccountScore } from '../scoring/finish';
import { addDays } from '../scoring/days';
import { connectSalesforce } from '../sources/salesforce/connection';
import { syncSalesforce, type SyncOptions, type SyncProgress, type SyncResult } from '../sources/salesforce/sync';
import type { Db } from '../store/db';
import { tryLock } from '../store/lock';
import { loadActiveModel } from '../store/models';
import { ensureOrg } from '../store/orgs';
import { finishRun, startRun, updateRun } from '../store/runs';
import { accountOutputBatches } from '../writeback/context';
import { writeBack } from '../writeback/writeback';
import { writeBackLeads, type LeadWriteResult } from '../writeback/leads';
import type { WriteOptions, WriteResult } from '../writeback/writer';
import { syncMapSources, type MapSyncResult } from '../sources/map/sync';
import { API_SOURCE } from '../ingest/events';
import { resolvePendingEvents } from '../ingest/resolve';
import { SEGMENT_SOURCE } from '../ingest/segment';
import {
  closeInterruptedRuns,
  findBaselineShares,
  findRunningDaily,
  findScheduledRun,
  hasSnapshotsOn,
} from '../store/dailyRuns';
import { bandShares, DRIFT_THRESHOLD, psi, type BandShares } from '../scoring/drift';
import { signInFor } from '../sources/salesforce/signIn';
import { decideDay, rulesInForce, type DecideResult } from '../actions/decide';
import { defaultRegistry, type DestinationRegistry } from '../actions/registry';
import { sendDue, type SendOptions, type SendResult } from '../actions/sender';
import { ALERTS_RULE, alertOf, raiseAlert } from '../actions/alerts';
import { realSleep } from '../sources/retry';
import { pushRuleLists, type RuleListResult } from '../actions/ruleLists';
import { listClientsFor } from './listClients';
import { sendWeeklyDigest, weekdayOf, type WeeklyDigestResult } from '../actions/weeklyDigest';

/** The lock every daily run of an org takes. */
export const DAILY_LOCK = 'daily-run';

/** Share of the org's remaining daily API requests one run may spend (pull and write together). */
export const DEFAULT_BUDGET_SHARE = 0.1;

/** Failures kept in the run record and the summary; the rest are counted (write_failures keeps all). */
const MAX_LISTED_FAILURES = 500;

export type RunStatus = 'succeeded' | 'partial' | 'failed' | 'skipped';
export type RunStage = 'lock' | 'pull' | 'score' | 'write' | 'actions' | 'run';

/** One problem of a run: a record that failed, or a stage that did. */
export interface RunFailure {
  stage: RunStage;
  code: string;
  message: string;
  /** The Salesforce record (account id) for per-record failures. */
  record?: string;
  /** The MAP source, for a MAP pull that failed. */
  source?: string;
  /** Where a stage failure happened (the error's context: org, object, field…). */
  context?: Record<string, unknown>;
}

/** Something a run noticed that does not fail it (band drift): kept in the run record, shown by `pulse runs`. */
export interface RunWarning {
  stage: RunStage;
  code: string;
  message: string;
}

/** The day's band mix against the one the model version started with (see scoring/drift.ts). */
export interface DriftOutcome {
  modelVersion: string;
  /** Today's band shares. */
  shares: BandShares;
  /** The first run of this version: its day and shares; null when this run is the first. */
  baseline: { runId: number; day: string; shares: BandShares } | null;
  /** The population-stability index against the baseline (null without one). */
  psi: number | null;
  threshold: number;
}

/** Progress as the run goes: a line per stage, and the pull's per-page progress. */
export type RunProgress =
  { kind: 'stage'; stage: RunStage | 'done'; message: string } | { kind: 'pull'; progress: SyncProgress };

/** What a daily run did: the summary `pulse run --json` prints, plus the detail the run record keeps. */
export interface DailyRunResult {
  runId: number;
  status: RunStatus;
  orgId: string;
  asOf: string;
  accountsScored: number;
  accountsWritten: number;
  /** Salesforce API calls: the pull's, the write's, the actions' (Tasks), and in all with the preflight. */
  apiCalls: { pull: number; write: number; actions: number; total: number };
  failures: RunFailure[];
  /** What the run noticed without failing (a band drift above the threshold). */
  warnings: RunWarning[];
  /** Today's band shares and their drift from the model version's first day, or null when not scored. */
  drift: DriftOutcome | null;
  /** The shadow version scored for the day (stored, never written), or null when the org has none. */
  shadow: ShadowScored | null;
  counts: { pulled: number; scored: number; written: number; failed: number; changed: number; pending: number };
  durationMs: number;
  modelVersion: string | null;
  /** Set when the run published the model (first run or a changed model file), with its back-fill. */
  published: { version: string; snapshots: number } | null;
  sync: SyncResult | null;
  maps: MapSyncResult[];
  write: WriteResult | null;
  /** The orphan-lead matches written to the Lead fields (after the Accounts), or null when not reached. */
  leads: LeadWriteResult | null;
  /** Today's scores (empty when the run stopped before scoring). */
  scores: AccountScore[];
  /** The run holding the lock, when this one was skipped because of it. */
  heldBy: number | null;
  /** The actions stage: the day's decisions (with the score) and the outbox's send pass after the write. */
  actions: ActionsOutcome | null;
  /** The system alert this run raised for the admins (failed or partial), when the rules name where alerts go. */
  alert: { code: string; raised: number; held: number; delivered: number } | null;
}

/** What the actions stage did: decided with the day's scores, then sent after the write. */
export interface ActionsOutcome {
  decided: DecideResult | null;
  sent: SendResult | null;
  /** The map-list rules' pushes of the day (adds and removes per list). */
  lists: RuleListResult[];
  /** The weekly owner digest, on the digest weekday (null other days or without a digest setting). */
  digest: WeeklyDigestResult | null;
  /** Why nothing was decided (the stored rules no longer validate), when so. */
  rulesError: string | null;
}

/** The run-log counts of the actions stage. */
export function actionCounts(a: ActionsOutcome | null): Record<string, number> {
  if (!a) return {};
  return {
    actionsDecided: a.decided?.fired ?? 0,
    actionsHeld: (a.decided?.held.cooldown ?? 0) + (a.decided?.held.cap ?? 0),
    actionsDelivered: a.sent?.delivered ?? 0,
    actionsRetrying: a.sent?.retrying ?? 0,
    actionsFailed: a.sent?.failed ?? 0,
    listAdds: a.lists.reduce((n, l) => n + (l.push?.added ?? 0), 0),
    listRemoves: a.lists.reduce((n, l) => n + (l.push?.removed ?? 0), 0),
    digestsSent: a.digest?.delivered ?? 0,
    digestsFailed: (a.digest?.failed ?? 0) + (a.digest?.retrying ?? 0),
  };
}

/** The edges of a run, injected so tests control them. */
export interface DailyRunDeps {
  db: Db;
  orgId: string;
  /** The run's clock: the day it scores (UTC) and the scored-at stamp (default: the system clock). */
  now?: () => Date;
  /** The process configuration, read at start-up: Salesforce and MAP sign-ins, the model file. */
  config: Config;
  /** How to sign in to Salesforce (default: the configured SF_* sign-in, else the org's stored connection). */
  salesforce?: SalesforceAuth;
  /** Opens the Salesforce connection (default: jsforce via connectSalesforce). */
  connect?: (auth: SalesforceAuth) => Promise<Connection>;
  /** Pulls the org's MAP sources (default: every source configured for the org). */
  syncMaps?: typeof syncMapSources;
  /** The model document to run with (default: PULSE_MODEL_FILE, else the active model, else the defaults). */
  model?: unknown;
  /** Share of the remaining daily API requests this run may spend (default 0.1). */
  budgetShare?: number;
  /** The schedule slot that triggered this run ("2026-11-24 06:00"): a second trigger of it does nothing. */
  scheduledFor?: string;
  onProgress?: (p: RunProgress) => void;
  /** Pull knobs (page sizes, test hooks). */
  sync?: Pick<SyncOptions, 'pageSize' | 'bulkThreshold' | 'bulkPollMs' | 'afterPage' | 'full'>;
  /** Write knobs (thresholds, test hooks such as a crash after a batch). */
  write?: Pick<WriteOptions, 'bulkThreshold' | 'lockRetries' | 'pollIntervalMs' | 'sleep' | 'afterBatch'>;
  /** Actions knobs: the destinations, the waits, and test hooks that crash between decide and send or send and mark. */
  actions?: {
    registry?: DestinationRegistry;
    sleep?: (ms: number) => Promise<void>;
    random?: () => number;
    /** Called after the day's decisions are stored, before the send (tests throw here). */
    afterDecide?: () => void | Promise<void>;
    afterDeliver?: SendOptions['afterDeliver'];
    /** The network the MAP list pushes use (default: global fetch). */
    fetch?: typeof fetch;
  };
}

/**
 * Runs the daily cycle for one org and records it (kind 'daily'). Never throws for a run that went
 * wrong (only when the store itself fails): the result says what happened, the run record keeps it, and it is logged once. Status:
 * succeeded; partial (an API budget or Salesforce's limit stopped a stage, a MAP pull failed, or records
 * failed to write — the next run carries on); failed (a stage could not run); skipped (another run of
 * this org holds the lock, or the schedule already ran this day).
 */
export async function runDaily(deps: DailyRunDeps): Promise<DailyRunResult> {
  const { db, orgId } = deps;
  const now = deps.now ?? (() => new Date());
  const t0 = performance.now();
  const asOf = now().toISOString().slice(0, 10);
  const progress = (stage: RunStage | 'done', message: string) => deps.onProgress?.({ kind: 'stage', stage, message });
  const result: DailyRunResult = {
    runId: 0,
    status: 'succeeded',
    orgId,
    asOf,
    accountsScored: 0,
    accountsWritten: 0,
    apiCalls: { pull: 0, write: 0, actions: 0, total: 0 },
    failures: [],
    warnings: [],
    drift: null,
    shadow: null,
    counts: { pulled: 0, scored: 0, written: 0, failed: 0, changed: 0, pending: 0 },
    durationMs: 0,
    modelVersion: null,
    published: null,
    sync: null,
    maps: [],
    write: null,
    leads: null,
    scores: [],
    heldBy: null,
    actions: null,
    alert: null,
  };
  await ensureOrg(db, orgId);

  const lock = await tryLock(db, DAILY_LOCK, orgId);
  if (!lock) return skipped(deps, result, t0, await holderMessage(db, orgId, result));
  try {
    const interrupted = await closeInterruptedRuns(db, orgId);
    if (interrupted.length > 0) {
      log.warn({ org: orgId, runs: interrupted }, 'daily runs left running by a stopped process marked failed');
    }
    if (deps.scheduledFor) {
      const done = await findScheduledRun(db, orgId, deps.scheduledFor);
      if (done !== null) {
        return await skipped(
          deps,
          result,
          t0,
          `run ${done} already ran the schedule slot ${deps.scheduledFor}; nothing to do`,
        );
      }
    }
    const state = { asOf, pid: process.pid, host: hostname(), scheduledFor: deps.scheduledFor ?? null };
    result.runId = await startRun(db, orgId, 'daily', state);
    progress('lock', `run ${result.runId} for org ${orgId}, scoring ${asOf}`);
    try {
      await stages(deps, result, now, progress);
    } catch (e) {
      // A stage that could not run: recorded with its context, logged once, the run marked failed.
      result.status = 'failed';
      result.failures.push(e instanceof StageFailed ? stageFailure(e.cause, e.stage) : stageFailure(e, 'run'));
      // Expected failures (configuration, Salesforce refusals) are logged by code and message; only
      // unexpected ones carry a stack.
      const failure = result.failures.at(-1)!;
      log.error(
        {
          org: orgId,
          runId: result.runId,
          stage: failure.stage,
          code: failure.code,
          ...((e instanceof StageFailed ? e.cause : e) instanceof PulseError
            ? { message: failure.message }
            : { err: e instanceof StageFailed ? e.cause : e }),
        },
        'daily run failed',
      );
    }
    await alertAdmins(deps, result, now);
    result.durationMs = Math.round(performance.now() - t0);
    finalizeTotal(result);
    const listed = result.failures.slice(0, MAX_LISTED_FAILURES);
    if (result.failures.length > listed.length) {
      listed.push({
        stage: 'write',
        code: 'MORE_FAILURES',
        message: `${result.failures.length - listed.length} more failures not listed here (the first ${MAX_LISTED_FAILURES} are); write_failures keeps every one`,
      });
    }
    result.failures = listed;
    await finishRun(db, orgId, result.runId, result.status, {
      counts: { ...result.counts, ...actionCounts(result.actions) },
      apiCalls: { ...result.apiCalls, ...apiDetail(result) },
      errors: listed as unknown as Record<string, unknown>[],
      state: {
        ...state,
        durationMs: result.durationMs,
        modelVersion: result.modelVersion,
        published: result.published,
        bandShares: result.drift?.shares ?? null,
        drift: result.drift,
        warnings: result.warnings,
        shadow: result.shadow,
        syncRunId: result.sync?.runId ?? null,
        pullStatus: result.sync?.status ?? null,
        mapRuns: result.maps.map((m) => ({ source: m.source, runId: m.runId, status: m.status })),
        writeStatus: result.write?.status ?? null,
        writeMode: result.write?.mode ?? null,
        lockRetries: result.write?.lockRetries ?? 0,
        leadsWritten: result.leads?.leadsWritten ?? 0,
        actions: result.actions
          ? {
              day: result.actions.decided?.day ?? null,
              comparedWith: result.actions.decided?.previous ?? null,
              rules: result.actions.decided?.rulesSource ?? null,
              heldCooldown: result.actions.decided?.held.cooldown ?? 0,
              heldCap: result.actions.decided?.held.cap ?? 0,
              byDestination: result.actions.sent?.byKind ?? {},
              lists: result.actions.lists.map((l) => ({
                rule: l.ruleId,
                source: l.source,
                listId: l.listId,
                accounts: l.accounts,
                added: l.push?.added ?? 0,
                removed: l.push?.removed ?? 0,
                error: l.error,
              })),
              digest: result.actions.digest,
              rulesError: result.actions.rulesError,
            }
          : null,
        alert: result.alert,
      },
    });
    progress('done', doneLine(result));
    if (result.status !== 'failed') log.info({ org: orgId, runId: result.runId, ...result.counts }, 'daily run done');
    return result;
  } finally {
    await lock.release();
  }
}

/**
 * A failed or partial run alerts the admins through the rules' `alerts` destinations (deduplicated
 * per code and day, cooled down), sent at once: the run may have failed before its actions stage.
 * Never fails the run: an alert that cannot be sent now waits in the outbox for the next send.
 */
async function alertAdmins(deps: DailyRunDeps, result: DailyRunResult, now: () => Date): Promise<void> {
  const alert = alertOf(deps.orgId, result);
  if (!alert) return;
  try {
    const registry = deps.actions?.registry ?? defaultRegistry();
    const { rules } = await rulesInForce(deps.db, deps.orgId, registry);
    const raised = await raiseAlert(deps.db, { orgId: deps.orgId, alert, rules, now: now() });
    result.alert = { code: alert.code, ...raised, delivered: 0 };
    if (raised.raised === 0) return;
    let conn: Promise<Connection> | null = null;
    const salesforce = () =>
      (conn ??= (async () =>
        (deps.connect ?? connectSalesforce)(deps.salesforce ?? (await signInFor(deps.db, deps.orgId, deps.config))))());
    const sent = await sendDue(deps.db, {
      orgId: deps.orgId,
      registry,
      ruleId: ALERTS_RULE,
      context: { salesforce, now, sleep: deps.actions?.sleep ?? realSleep },
      random: deps.actions?.random,
    });
    result.alert.delivered = sent.delivered;
  } catch (e) {
    log.warn({ org: deps.orgId, runId: result.runId, code: alert.code, err: e }, 'system alert not raised');
  }
}

/** Ingested events older than this can no longer count (window plus trend), so are not re-resolved. */
const PENDING_DAYS = 180;

/** A stage that could not finish: which one, and why (the cause is the error it met). */
class StageFailed extends Error {
  constructor(
    readonly stage: RunStage,
    override readonly cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

/** Runs one stage; whatever it throws is recorded as that stage's failure. */
async function inStage<T>(stage: RunStage, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    throw e instanceof StageFailed ? e : new StageFailed(stage, e);
  }
}

/** What one daily run carries from stage to stage. */
interface RunState {
  deps: DailyRunDeps;
  result: DailyRunResult;
  now: () => Date;
  progress: (stage: RunStage | 'done', message: string) => void;
  /** The share of the org's remaining daily API calls this run may spend. */
  share: number;
}

/** What the pull leaves for the later stages. */
interface Pulled {
  conn: Connection;
  sync: SyncResult;
}

/** What the score stage leaves for the write. */
interface Scored {
  model: Model;
  scores: AccountScore[];
}

async function stages(
  deps: DailyRunDeps,
  result: DailyRunResult,
  now: () => Date,
  progress: (stage: RunStage | 'done', message: string) => void,
): Promise<void> {
  const run: RunState = { deps, result, now, progress, share: deps.budgetShare ?? DEFAULT_BUDGET_SHARE };
  const pulled = await inStage('pull', () => pull(run));
  await saveProgress(run);
  const scored = await inStage('score', () => score(run));
  await saveProgress(run);
  const written = await inStage('write', () => write(run, pulled, scored));
  if (written.status === 'ok')
    await writeLeads(deps, result, pulled.conn, pulled.sync.apiCalls.remainingAtStart * run.share, progress);
  await saveProgress(run);
  await inStage('actions', () => sendActions(run, pulled));
  await inStage('actions', () => pushLists(run, scored));
  await inStage('actions', () => sendDigest(run));
}

/**
 * The weekly owner digest, when the rules have a digest setting and today is its weekday: the seven
 * days ending today, each owner once per week (a re-run sends only to owners not sent yet).
 */
async function sendDigest(run: RunState): Promise<void> {
  const { deps, result, progress } = run;
  if (!result.modelVersion || !result.actions?.decided) return;
  const { rules } = await rulesInForce(deps.db, deps.orgId, deps.actions?.registry ?? defaultRegistry());
  if (!rules.digest || weekdayOf(result.asOf) !== rules.digest.weekday) return;
  const d = await sendWeeklyDigest(deps.db, {
    orgId: deps.orgId,
    weekEnd: result.asOf,
    setting: rules.digest,
    now: run.now(),
    modelVersion: result.modelVersion,
  });
  result.actions.digest = d;
  for (const f of d.failures) {
    result.status = 'partial';
    result.failures.push({ stage: 'actions', code: 'DIGEST_FAILED', message: `owner ${f.ownerId}: ${f.error}` });
  }
  progress(
    'actions',
    `weekly digest ${d.weekEnd}: ${d.delivered} sent, ${d.failed + d.retrying} not sent, ${d.alreadySent} sent before, ${d.withoutEmail} owners without an email`,
  );
}

/**
 * The map-list rules: each list made to hold the people of the accounts the rule matches today
 * (actions/ruleLists.ts), through the org's MAP connection as the pull finds it. A list that cannot
 * be pushed makes the run partial; the next run pushes the difference again.
 */
async function pushLists(run: RunState, scored: Scored): Promise<void> {
  const { deps, result, progress } = run;
  if (!result.modelVersion || !result.actions?.decided) return;
  const { rules } = await rulesInForce(deps.db, deps.orgId, deps.actions?.registry ?? defaultRegistry());
  const lists = await pushRuleLists(deps.db, {
    orgId: deps.orgId,
    model: scored.model,
    modelVersion: result.modelVersion,
    day: result.asOf,
    rules: rules.rules,
    clientFor: listClientsFor({
      db: deps.db,
      orgId: deps.orgId,
      config: deps.config,
      salesforce: deps.salesforce,
      fetch: deps.actions?.fetch,
      sleep: deps.actions?.sleep,
      random: deps.actions?.random,
      now: run.now,
    }),
  });
  result.actions.lists = lists;
  for (const l of lists.filter((x) => x.error)) {
    result.status = 'partial';
    result.failures.push({
      stage: 'actions',
      code: 'LIST_PUSH_FAILED',
      message: `${l.ruleId} ${l.source} list ${l.listId}: ${l.error}`,
    });
  }
  if (lists.length > 0) {
    const added = lists.reduce((n, l) => n + (l.push?.added ?? 0), 0);
    const removed = lists.reduce((n, l) => n + (l.push?.removed ?? 0), 0);
    progress('actions', `MAP lists: ${added} people added, ${removed} removed (${lists.length} lists)`);
  }
}

/**
 * Decides the day's actions inside the score transaction (see scoreOrg). Stored rules that no longer
 * validate (a destination removed since) decide nothing and say so in the run: the scores still count.
 */
async function decideActions(run: RunState, tx: Db, modelVersion: string, model: Model): Promise<void> {
  const { deps, result } = run;
  const registry = deps.actions?.registry ?? defaultRegistry();
  result.actions = { decided: null, sent: null, lists: [], digest: null, rulesError: null };
  let rules;
  try {
    rules = await rulesInForce(tx, deps.orgId, registry);
  } catch (e) {
    // Only a document that no longer validates; a store error inside the transaction must roll it back.
    if (!(e instanceof ValidationError)) throw e;
    result.actions.rulesError = e.message;
    result.status = 'partial';
    result.failures.push({ stage: 'actions', code: 'RULES_INVALID', message: e.message });
    return;
  }
  const d = await decideDay(tx, {
    orgId: deps.orgId,
    model,
    modelVersion,
    day: result.asOf,
    registry,
    now: run.now(),
    rules,
  });
  result.actions.decided = d;
  run.progress(
    'score',
    `decided ${d.fired} actions against ${d.previous ?? 'nothing (the first decision)'} (${d.held.cooldown} in cooldown, ${d.held.cap} over the weekly cap)`,
  );
}

/**
 * Actions: every due item of the outbox (today's and any left over) to its destination. Their
 * Salesforce calls (Tasks) come off the run's one API budget, after the pull's and the write's; when
 * it is spent the rest wait in the outbox for the next run, and the run says so (partial, SF_BUDGET).
 */
async function sendActions(run: RunState, pulled: Pulled): Promise<void> {
  const { deps, result, progress } = run;
  await deps.actions?.afterDecide?.();
  const allowed = Math.floor(pulled.sync.apiCalls.remainingAtStart * run.share);
  const spent = result.apiCalls.pull + result.apiCalls.write + (result.write ? 1 : 0);
  const sent = await sendDue(deps.db, {
    salesforceBudget: Math.max(0, allowed - spent),
    orgId: deps.orgId,
    registry: deps.actions?.registry ?? defaultRegistry(),
    context: { salesforce: async () => pulled.conn, now: run.now, sleep: deps.actions?.sleep ?? realSleep },
    random: deps.actions?.random,
    afterDeliver: deps.actions?.afterDeliver,
  });
  result.actions ??= { decided: null, sent: null, lists: [], digest: null, rulesError: null };
  result.actions.sent = sent;
  result.apiCalls.actions = sent.salesforceCalls;
  if (sent.deferred > 0) {
    result.status = 'partial';
    result.failures.push({
      stage: 'actions',
      code: 'SF_BUDGET',
      message: `the run's API budget was spent with ${sent.deferred} actions not sent (${sent.salesforceCalls} Salesforce calls for actions); the next run or \`pulse actions run\` sends them`,
    });
  }
  for (const f of sent.failures) {
    result.failures.push({ stage: 'actions', code: 'ACTION_FAILED', message: `${f.kind} ${f.key}: ${f.error}` });
  }
  if (sent.failed > 0) result.status = 'partial';
  progress(
    'actions',
    `delivered ${sent.delivered} actions with ${sent.salesforceCalls} Salesforce calls (${sent.retrying} to retry, ${sent.failed} failed, ${sent.deferred} deferred: API budget)`,
  );
}

/** Records the counts and API calls so far on the run row (a crash later still shows them). */
function saveProgress({ deps, result }: RunState): Promise<void> {
  return updateRun(deps.db, deps.orgId, result.runId, {
    counts: { ...result.counts, ...actionCounts(result.actions) },
    apiCalls: { ...result.apiCalls, ...apiDetail(result) },
  });
}

/** Pull: Salesforce, then every configured MAP source, then ingested events that can now find their account. */
async function pull(run: RunState): Promise<Pulled> {
  const { deps, result, progress } = run;
  const { db, orgId } = deps;
  progress('pull', 'pulling Salesforce');
  const auth = deps.salesforce ?? (await signInFor(db, orgId, deps.config));
  const conn = await (deps.connect ?? connectSalesforce)(auth);
  const sync = await syncSalesforce({
    db,
    orgId,
    conn,
    budgetShare: run.share,
    ...deps.sync,
    onProgress: (p) => deps.onProgress?.({ kind: 'pull', progress: p }),
  });
  result.sync = sync;
  result.apiCalls.pull = sync.apiCalls.total;
  result.counts.pulled = sum(sync.counts);
  if (sync.status === 'failed') {
    throw new PulseError(
      'PULL_FAILED',
      `the Salesforce pull failed (sync run ${sync.runId}): ${sync.error ?? 'unknown'}`,
      { org: orgId },
    );
  }
  if (sync.status === 'partial') {
    result.status = 'partial';
    result.failures.push({
      stage: 'pull',
      code: 'SF_BUDGET',
      message: sync.error ?? 'the pull reached its API budget',
    });
  }
  progress('pull', `pulled ${result.counts.pulled} Salesforce records with ${sync.apiCalls.total} API calls`);
  await pullMaps(run, auth);
  // Web, ad and intent events that arrived before their company or person was in Salesforce.
  const since = new Date(run.now().getTime() - PENDING_DAYS * 86_400_000);
  const attributed = await resolvePendingEvents(db, orgId, [API_SOURCE, SEGMENT_SOURCE], since);
  if (attributed > 0)
    progress('pull', `attributed ${attributed} ingested events to accounts pulled since they arrived`);
  return { conn, sync };
}

/** Every configured MAP source; one that fails or hits its quota makes the run partial, not failed. */
async function pullMaps(run: RunState, auth: SalesforceAuth): Promise<void> {
  const { deps, result, progress } = run;
  const maps = await (deps.syncMaps ?? syncMapSources)({
    db: deps.db,
    orgId: deps.orgId,
    maps: deps.config.maps,
    secretKeys: deps.config.secretKeys,
    salesforce: auth,
    now: run.now(),
  });
  result.maps = maps;
  for (const m of maps) {
    result.apiCalls.pull += m.apiCalls.total;
    result.counts.pulled += mapRecords(m);
    if (m.status !== 'succeeded') {
      result.status = 'partial';
      result.failures.push({
        stage: 'pull',
        source: m.source,
        code: m.status === 'failed' ? 'MAP_PULL_FAILED' : 'MAP_QUOTA',
        message: `${m.source} pull ${m.status === 'failed' ? 'failed' : "stopped at the vendor's daily quota"} (run ${m.runId})${m.error ? `: ${m.error}` : ''}`,
      });
    }
    progress('pull', `pulled ${m.source}: ${mapRecords(m)} records with ${m.apiCalls.total} API calls (${m.status})`);
  }
}

/**
 * Score: publishes the model when it is new or changed (which back-fills 90 days), back-fills days
 * the schedule missed, and scores today.
 */
async function score(run: RunState): Promise<Scored> {
  const { deps, result, progress } = run;
  const { db, orgId } = deps;
  const asOf = result.asOf;
  const desired = deps.model !== undefined ? parseModel(deps.model) : modelOfFile(deps.config.modelFile);
  const active = await loadActiveModel(db, orgId);
  let model: Model | null = active?.model ?? null;
  if (!active || (desired && JSON.stringify(desired) !== JSON.stringify(active.model))) {
    const doc = desired ?? parseModel(DEFAULT_MODEL_DOCUMENT);
    progress('score', `publishing model ${doc.version} and back-filling 90 days of history`);
    const p = await publishModel(db, orgId, doc, asOf);
    result.published = { version: p.version, snapshots: p.snapshots };
    model = doc;
  }
  // Days the schedule missed (no snapshot yesterday) are back-filled, so trends never compare with a gap.
  const history = !result.published && !(await hasSnapshotsOn(db, orgId, model!.version, addDays(asOf, -1)));
  progress('score', `scoring ${asOf} with model ${model!.version}${history ? ' (back-filling missed days)' : ''}`);
  const scored = await scoreOrg(db, {
    orgId,
    asOf,
    history,
    inTransaction: (tx, r) => decideActions(run, tx, r.modelVersion, model!),
  });
  result.modelVersion = scored.modelVersion;
  result.accountsScored = result.counts.scored = scored.scores.length;
  result.scores = scored.scores;
  progress('score', `scored ${scored.scores.length} accounts`);
  await checkDrift(run);
  await scoreTheShadow(run);
  return { model: model!, scores: scored.scores };
}

/**
 * Drift: today's band shares against those of the model version's first daily run; a PSI above the
 * threshold is a warning (the run still succeeds: a shifted mix may be real, and someone should look).
 */
async function checkDrift(run: RunState): Promise<void> {
  const { deps, result, progress } = run;
  const version = result.modelVersion!;
  const shares = bandShares(result.scores.map((s) => s.band));
  const found = await findBaselineShares(deps.db, deps.orgId, version, result.runId);
  const baseline = found ? { runId: found.runId, day: found.day, shares: sharesOf(found.shares) } : null;
  const index = baseline && result.scores.length > 0 ? psi(shares, baseline.shares) : null;
  result.drift = { modelVersion: version, shares, baseline, psi: index, threshold: DRIFT_THRESHOLD };
  if (index === null || index <= DRIFT_THRESHOLD) return;
  const pct = (x: BandShares) =>
    (Object.keys(x) as (keyof BandShares)[]).map((b) => `${b} ${(x[b] * 100).toFixed(1)}%`).join(', ');
  const message = `band mix drifted from model ${version}'s first day ${baseline!.day} (PSI ${index.toFixed(3)} > ${DRIFT_THRESHOLD}): today ${pct(shares)}; then ${pct(baseline!.shares)}`;
  result.warnings.push({ stage: 'score', code: 'BAND_DRIFT', message });
  progress('score', `warning: ${message}`);
  log.warn({ org: deps.orgId, runId: result.runId, model: version, psi: index }, 'band drift');
}

/**
 * The shadow version, scored for the same day after the live one and stored under its own version.
 * Its scores go nowhere else (the write and the actions use the live scores only), and a shadow that
 * cannot be scored is a warning: the live run is not the shadow's to fail.
 */
async function scoreTheShadow(run: RunState): Promise<void> {
  const { deps, result, progress } = run;
  try {
    const shadow = await scoreShadow(deps.db, deps.orgId, result.asOf);
    if (!shadow) return;
    result.shadow = shadow;
    progress('score', `scored ${shadow.accounts} accounts with shadow model ${shadow.version} (stored, not written)`);
  } catch (e) {
    const message = `the shadow model was not scored: ${(e as Error).message}`;
    result.warnings.push({ stage: 'score', code: 'SHADOW_FAILED', message });
    log.warn({ org: deps.orgId, runId: result.runId, err: e }, 'shadow model not scored');
  }
}

/** Stored shares as a BandShares (a band missing from an older record counts as 0). */
function sharesOf(stored: Record<string, number>): BandShares {
  const n = (b: string) => (typeof stored[b] === 'number' ? stored[b] : 0);
  return { 'Very High': n('Very High'), High: n('High'), Medium: n('Medium'), Low: n('Low') };
}

/** Write: the changed Account values, within what the pull left of the run's API budget. */
async function write(run: RunState, pulled: Pulled, scored: Scored): Promise<WriteResult> {
  const { deps, result, progress } = run;
  const { db, orgId } = deps;
  // Built a batch at a time as the write asks for them: only the changed values are held.
  const outputs = accountOutputBatches(db, {
    orgId,
    model: scored.model,
    scores: scored.scores,
    asOf: result.asOf,
    scoredAt: run.now(),
  });
  // One budget for the run: what the pull and the preflight's describe call spent comes off it.
  const allowed = Math.floor(pulled.sync.apiCalls.remainingAtStart * run.share);
  const maxApiCalls = Math.max(0, allowed - pulled.sync.apiCalls.total - 1);
  progress('write', `writing changed values of ${scored.scores.length} accounts to Salesforce`);
  const w = await writeBack({
    db,
    conn: pulled.conn,
    orgId,
    outputs,
    maxApiCalls,
    bulkBatchesRemaining: pulled.sync.apiCalls.bulkBatchesRemaining,
    ...deps.write,
  });
  result.write = w;
  result.apiCalls.write = w.apiCalls;
  result.accountsWritten = result.counts.written = w.accountsWritten;
  result.counts.failed = w.failures.length;
  result.counts.changed = w.accountsChanged;
  result.counts.pending = w.pending;
  for (const f of w.failures) {
    result.failures.push({ stage: 'write', record: f.accountId, code: f.statusCode, message: f.message });
  }
  if (w.status !== 'ok') {
    result.status = 'partial';
    result.failures.push({
      stage: 'write',
      code: w.status === 'limit' ? 'REQUEST_LIMIT_EXCEEDED' : 'SF_BUDGET',
      message: `${w.status === 'limit' ? "Salesforce's daily API limit was reached" : "the run's API budget was spent"} with ${w.pending} changed accounts not yet written; the next run writes them`,
    });
  }
  if (w.failures.length > 0) result.status = 'partial';
  progress(
    'write',
    `wrote ${w.accountsWritten} of ${w.accountsChanged} changed accounts (${w.mode}, ${w.apiCalls} API calls, ${w.failures.length} failures)`,
  );
  return w;
}

/**
 * Orphan-lead matches go to the Lead fields after the Accounts, from what the budget has left. A Lead
 * field problem (preflight) or a Lead write error makes the run partial: the Account values are written.
 */
async function writeLeads(
  deps: DailyRunDeps,
  result: DailyRunResult,
  conn: Connection,
  allowed: number,
  progress: (stage: RunStage | 'done', message: string) => void,
): Promise<void> {
  const spent = result.apiCalls.pull + result.apiCalls.write + 1;
  try {
    const leads = await writeBackLeads({
      db: deps.db,
      orgId: deps.orgId,
      conn,
      maxApiCalls: Math.max(0, Math.floor(allowed) - spent),
      // What the Account write used of the day's Bulk batches is not known here: the writer falls back on EXCEEDED_QUOTA.
      bulkBatchesRemaining: null,
      ...deps.write,
    });
    result.leads = leads;
    result.apiCalls.write += leads.apiCalls;
    for (const f of leads.failures) {
      result.failures.push({ stage: 'write', record: f.leadId, code: f.statusCode, message: f.message });
    }
    if (leads.status !== 'ok' || leads.failures.length > 0) result.status = 'partial';
    if (leads.leadsChanged > 0) {
      progress('write', `wrote ${leads.leadsWritten} of ${leads.leadsChanged} changed orphan-lead matches to Leads`);
    }
  } catch (e) {
    result.status = 'partial';
    const err = e as { code?: string; message?: string };
    result.failures.push({
      stage: 'write',
      code: err.code ?? 'LEAD_WRITE_FAILED',
      message: `lead fields not written: ${err.message ?? String(e)}`,
    });
    log.warn({ org: deps.orgId, runId: result.runId, code: err.code, message: err.message }, 'lead write-back refused');
  }
}

/** The run's API calls beyond the summary's three: where the pull's went, and the preflight. */
function apiDetail(r: DailyRunResult): Record<string, unknown> {
  return {
    salesforcePull: r.sync?.apiCalls.total ?? 0,
    preflight: r.write ? 1 : 0,
    maps: Object.fromEntries(r.maps.map((m) => [m.source, m.apiCalls.total])),
  };
}

// The describe call the preflight makes before every write counts in the total.
function finalizeTotal(r: DailyRunResult): void {
  r.apiCalls.total = r.apiCalls.pull + r.apiCalls.write + r.apiCalls.actions + (r.write ? 1 : 0);
}

function doneLine(r: DailyRunResult): string {
  return `run ${r.runId} ${r.status}: ${r.accountsScored} scored, ${r.accountsWritten} written, ${r.apiCalls.total} API calls, ${r.failures.length} failures, ${(r.durationMs / 1000).toFixed(1)} s`;
}

async function holderMessage(db: Db, orgId: string, result: DailyRunResult): Promise<string> {
  const holder = await findRunningDaily(db, orgId);
  if (!holder) return `another process holds the daily-run lock of org ${orgId} (its run is not recorded yet)`;
  result.heldBy = holder.id;
  const where = holder.state.host ? ` by pid ${String(holder.state.pid)} on ${String(holder.state.host)}` : '';
  return `run ${holder.id} (started ${new Date(holder.startedAt).toISOString()}${where}) holds the daily-run lock of org ${orgId}; this run did nothing`;
}

async function skipped(
  deps: DailyRunDeps,
  result: DailyRunResult,
  t0: number,
  message: string,
): Promise<DailyRunResult> {
  result.status = 'skipped';
  result.failures = [{ stage: 'lock', code: result.heldBy !== null ? 'RUN_LOCKED' : 'RUN_SKIPPED', message }];
  result.durationMs = Math.round(performance.now() - t0);
  result.runId = await startRun(deps.db, deps.orgId, 'daily', {
    asOf: result.asOf,
    heldBy: result.heldBy,
    scheduledFor: deps.scheduledFor ?? null,
  });
  await finishRun(deps.db, deps.orgId, result.runId, 'skipped', {
    counts: {},
    apiCalls: { pull: 0, write: 0, actions: 0, total: 0 },
    errors: result.failures as unknown as Record<string, unknown>[],
    state: { durationMs: result.durationMs },
  });
  deps.onProgress?.({ kind: 'stage', stage: 'done', message: `run ${result.runId} skipped: ${message}` });
  log.info({ org: deps.orgId, runId: result.runId, heldBy: result.heldBy }, 'daily run skipped');
  return result;
}

function stageFailure(e: unknown, stage: RunStage): RunFailure {
  const err = e as { errorCode?: string; code?: string; message?: string };
  const f: RunFailure = { stage, code: err.errorCode ?? err.code ?? 'ERROR', message: err.message ?? String(e) };
  if (e instanceof PulseError && Object.keys(e.context).length > 0) f.context = { ...e.context };
  return f;
}

/** People and activities a MAP pull stored (its other counts are pages and matching results). */
const mapRecords = (m: MapSyncResult): number => (m.counts.people ?? 0) + (m.counts.activities ?? 0);

const sum = (counts: Record<string, number> | undefined): number =>
  Object.values(counts ?? {}).reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);

/** The model of PULSE_MODEL_FILE, if set (a bad file stops the score stage with every problem listed). */
function modelOfFile(file: string | null): Model | null {
  return file ? readModelFile(file) : null;
}
