/**
 * `pulse run` (the daily cycle now), `pulse runs` (the run log), `pulse worker` (the daily schedule)
 * and `pulse migrate` (the release phase). Thin commands over run/daily and run/schedule.
 */
import { join } from 'node:path';
import { CommanderError, type Command } from 'commander';
import type { ScheduledTask } from 'node-cron';
import { readConfig, type Config } from '../config';
import { log } from '../log';
import { runDaily, type DailyRunDeps, type DailyRunResult, type RunFailure, type RunProgress } from '../run/daily';
import { slotIn, startSchedule, type RunSchedule } from '../run/schedule';
import { enqueueSlot, openQueue, readPoolSettings, startPool } from '../run/pool';
import { sendBetweenRuns } from '../run/actions';
import { openDb, type Db } from '../store/db';
import { migrate } from '../store/migrate';
import { citusLayout } from '../store/distribution';
import { openStore } from '../store/open';
import { listRuns, type RunRow } from '../store/runs';
import type { Output } from './model';
import { withStore, type StoreDeps } from './store';

/** The last line of `pulse run --json`. */
export interface RunSummary {
  runId: number;
  status: DailyRunResult['status'];
  accountsScored: number;
  accountsWritten: number;
  apiCalls: { pull: number; write: number; total: number };
  failures: RunFailure[];
}

/** The JSON summary of a run. */
export function summaryOf(r: DailyRunResult): RunSummary {
  return {
    runId: r.runId,
    status: r.status,
    accountsScored: r.accountsScored,
    accountsWritten: r.accountsWritten,
    apiCalls: { ...r.apiCalls },
    failures: r.failures,
  };
}

/** A progress line per stage on `err` (stderr): what the run is doing, readable in a log. */
export function progressLines(err: Output): (p: RunProgress) => void {
  let lastObject = -1;
  return (p) => {
    if (p.kind === 'stage') {
      err.write(`[${p.stage}] ${p.message}\n`);
      return;
    }
    // The pull reports every page; a line per object is enough for a log.
    if (p.progress.objectIndex === lastObject) return;
    lastObject = p.progress.objectIndex;
    err.write(`[pull] ${p.progress.object} (${lastObject + 1}/${p.progress.objects})\n`);
  };
}

/** Runs the daily cycle for `--org` now; prints progress on `err` and the result on `out`. */
export async function runNow(
  opts: { org: string; json?: boolean },
  deps: { out: Output; err: Output; db?: Db } & Partial<DailyRunDeps>,
): Promise<DailyRunResult> {
  const config = deps.config ?? readConfig();
  const r = await withStore({ db: deps.db, config }, (db) =>
    runDaily({ ...deps, db, config, orgId: opts.org, onProgress: progressLines(deps.err) }),
  );
  deps.out.write(opts.json ? `${JSON.stringify(summaryOf(r))}\n` : formatResult(r));
  return r;
}

function formatResult(r: DailyRunResult): string {
  const lines = [
    `run ${r.runId} (org ${r.orgId}, ${r.asOf}): ${r.status}`,
    `  pulled ${r.counts.pulled} records · scored ${r.accountsScored} accounts · wrote ${r.accountsWritten} of ${r.counts.changed} changed`,
    `  API calls: ${r.apiCalls.total} (pull ${r.apiCalls.pull}, write ${r.apiCalls.write})`,
  ];
  if (r.published)
    lines.push(`  published model ${r.published.version} (${r.published.snapshots} snapshots back-filled)`);
  if (r.shadow)
    lines.push(`  shadow model ${r.shadow.version}: scored ${r.shadow.accounts} accounts (stored, not written)`);
  for (const w of r.warnings) lines.push(`  warning ${w.stage}: ${w.code}: ${w.message}`);
  for (const f of r.failures.slice(0, 20)) {
    lines.push(`  ${f.stage}: ${f.record ? `${f.record} ` : ''}${f.code}: ${f.message}`);
  }
  if (r.failures.length > 20) lines.push(`  … ${r.failures.length - 20} more (pulse runs --json)`);
  return `${lines.join('\n')}\n`;
}

const pad = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s.padEnd(n));

/** The run log as a table: newest first, one line per run, then what went wrong. */
export function formatRuns(rows: readonly RunRow[]): string {
  if (rows.length === 0) return 'no runs yet\n';
  const lines = [
    `${pad('run', 6)} ${pad('kind', 14)} ${pad('status', 16)} ${pad('started (UTC)', 19)} ${'secs'.padStart(6)} ${'pulled'.padStart(7)} ${'scored'.padStart(6)} ${'written'.padStart(7)} ${'failed'.padStart(6)} ${'API'.padStart(6)}  note`,
  ];
  for (const r of rows) {
    const c = r.counts;
    const pulled = c.pulled ?? (r.kind.startsWith('sync') ? sumOf(c) : undefined);
    const secs = r.finishedAt ? (new Date(r.finishedAt).getTime() - new Date(r.startedAt).getTime()) / 1000 : null;
    const api = (r.apiCalls as { total?: number }).total;
    const errors = r.errors as unknown as RunFailure[];
    const warnings = Array.isArray(r.state.warnings) ? (r.state.warnings as RunFailure[]) : [];
    const note =
      errors.length > 0
        ? `${errors[0]!.code}: ${errors[0]!.message}`
        : warnings.length > 0
          ? `warning ${warnings[0]!.code}: ${warnings[0]!.message}`
          : '';
    lines.push(
      `${pad(String(r.id), 6)} ${pad(r.kind, 14)} ${pad(r.status, 16)} ${pad(new Date(r.startedAt).toISOString().slice(0, 19).replace('T', ' '), 19)} ${(secs === null ? '' : secs.toFixed(1)).padStart(6)} ${num(pulled).padStart(7)} ${num(c.scored).padStart(6)} ${num(c.written).padStart(7)} ${num(c.failed).padStart(6)} ${num(api).padStart(6)}  ${note.length > 120 ? `${note.slice(0, 119)}…` : note}${errors.length > 1 ? ` (+${errors.length - 1} more)` : ''}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

const num = (n: number | undefined): string => (n === undefined || n === null ? '' : String(n));
const sumOf = (c: Record<string, number>): number => Object.values(c).reduce((a, b) => a + (Number(b) || 0), 0);

/** The run log of an org, newest first: `limit` runs, of one kind (`daily`, `sync`, `sync:marketo`, …) when given. */
export async function recentRuns(
  opts: { org: string; kind?: string; limit?: number },
  deps: StoreDeps,
): Promise<RunRow[]> {
  return withStore(deps, (db) => listRuns(db, opts.org, opts.kind, opts.limit ?? 20));
}

/** The worker: the daily schedule for the given orgs, until stopped. */
export interface Worker {
  schedule: RunSchedule;
  task: ScheduledTask;
  /** Stops the schedule and waits for a run in progress to finish. */
  stop(): Promise<void>;
}

/** How often the worker sends the outbox's due actions between daily runs (retries, items a crash left). */
export const ACTIONS_EVERY_MS = 5 * 60_000;

/**
 * Starts the daily schedule; each trigger runs every org in turn. Between runs, every `actionsEveryMs`
 * (default 5 minutes; 0 = never) the outbox's due actions of each org are sent, so a receiver that
 * was down for an hour gets its delivery then, not a day later.
 */
export function startWorker(opts: {
  db: Db;
  orgs: readonly string[];
  config: Config;
  run?: (deps: DailyRunDeps) => Promise<DailyRunResult>;
  onRun?: (r: DailyRunResult) => void;
  actionsEveryMs?: number;
}): Worker {
  const { schedule } = opts.config;
  const run = opts.run ?? runDaily;
  let current: Promise<void> = Promise.resolve();
  const task = startSchedule(
    schedule,
    async (scheduledFor) => {
      const job = (async () => {
        for (const orgId of opts.orgs) {
          try {
            const r = await run({ db: opts.db, orgId, config: opts.config, scheduledFor });
            opts.onRun?.(r);
            log.info({ org: orgId, runId: r.runId, status: r.status, scheduledFor }, 'scheduled run finished');
          } catch (e) {
            // Only the store itself failing gets here (a run records its own failures); the next org
            // and the next trigger still run.
            log.error({ org: orgId, scheduledFor, err: e }, 'scheduled run could not run');
          }
        }
        log.info({ nextRun: task.getNextRun()?.toISOString() }, 'next daily run');
      })();
      current = job.catch(() => undefined);
      await job;
    },
    { onOverlap: (at) => log.warn({ at: at.toISOString() }, 'daily run still going at the next trigger; skipped') },
  );
  const every = opts.actionsEveryMs ?? ACTIONS_EVERY_MS;
  let sending: Promise<void> = Promise.resolve();
  const timer =
    every > 0
      ? setInterval(() => {
          sending = sending.then(() => sendBetweenRuns(opts.db, opts.orgs, opts.config));
        }, every)
      : null;
  timer?.unref();
  return {
    schedule,
    task,
    stop: async () => {
      if (timer) clearInterval(timer);
      await task.stop();
      await current;
      await sending;
      await task.destroy();
    },
  };
}

/**
 * `pulse worker`'s engine: on PostgreSQL (DATABASE_URL) a worker of the shared pool (run/pool.ts: each
 * org's run a pg-boss job, N workers share the orgs); on the embedded PGlite, which only this process
 * can open, the in-process schedule (startWorker). Returns how to stop it.
 */
export async function startWorkerFor(opts: {
  db: Db;
  orgs: readonly string[];
  config: Config;
  env: NodeJS.ProcessEnv;
}): Promise<() => Promise<void>> {
  const { config, orgs } = opts;
  if (config.databaseUrl) {
    const settings = readPoolSettings(opts.env);
    const pool = await startPool({ db: opts.db, orgs, config, settings, actionsEveryMs: ACTIONS_EVERY_MS });
    log.info(
      {
        mode: 'pool',
        queueSchema: settings.schema,
        concurrency: settings.concurrency,
        schedule: config.schedule.description,
        nextRun: pool.nextRun()?.toISOString(),
        orgs,
      },
      'worker started',
    );
    return () => pool.stop();
  }
  const worker = startWorker({ db: opts.db, orgs, config });
  log.info(
    {
      mode: 'in-process',
      schedule: config.schedule.description,
      nextRun: worker.task.getNextRun()?.toISOString(),
      orgs,
    },
    'worker started',
  );
  return () => worker.stop();
}

/** Registers `pulse run`, `pulse runs`, `pulse worker` and `pulse migrate`. */
export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run the daily cycle now: pull → score today → write changed values → record the run')
    .option('--org <id>', 'the Pulse org', 'default')
    .option('--json', 'print a JSON summary as the last line of stdout')
    .action(async (o: { org: string; json?: boolean }) => {
      const r = await runNow(
        { org: o.org, json: o.json },
        { out: process.stdout, err: { write: (s) => process.stderr.write(s) } },
      );
      if (r.status === 'failed') {
        process.stderr.write(`pulse: run ${r.runId} failed: ${r.failures.at(-1)?.message ?? 'see pulse runs'}\n`);
        throw new CommanderError(1, 'pulse.runFailed', `run ${r.runId} failed`);
      }
    });

  program
    .command('runs')
    .description('list the recent runs (daily runs, pulls) with counts, API calls and what went wrong')
    .option('--org <id>', 'the Pulse org', 'default')
    .option('--kind <kind>', 'only runs of this kind (daily, sync, sync:marketo, …)')
    .option('--limit <n>', 'how many runs', '20')
    .option('--json', 'print the runs as JSON')
    .action(async (o: { org: string; kind?: string; limit: string; json?: boolean }) => {
      const limit = Number(o.limit);
      if (!Number.isInteger(limit) || limit < 1) {
        throw new CommanderError(2, 'pulse.badOption', `--limit must be a whole number ≥ 1, got "${o.limit}"`);
      }
      const rows = await recentRuns({ org: o.org, kind: o.kind, limit }, {});
      process.stdout.write(o.json ? `${JSON.stringify(rows, null, 2)}\n` : formatRuns(rows));
    });

  program
    .command('worker')
    .description(
      'run the daily cycle on a schedule: PULSE_RUN_AT ("06:00" or cron) in PULSE_TIMEZONE; with DATABASE_URL, workers share the orgs through a job queue',
    )
    .option('--org <id...>', 'the Pulse orgs to run', ['default'])
    .action(async (o: { org: string[] }) => {
      // Listening before start-up: a SIGTERM while starting stops the worker cleanly, not by the signal.
      const stopped = new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      const config = readConfig();
      // Each run in a lane holds a connection for its lock and needs others for its queries.
      const lanes = config.databaseUrl ? readPoolSettings(process.env).concurrency : 1;
      const db = await openStore(config, { connections: Math.max(4, 2 * lanes + 2) });
      const stop = await startWorkerFor({ db, orgs: o.org, config, env: process.env });
      await stopped;
      await stop();
      await db.close();
    });

  program
    .command('enqueue')
    .description(
      "queue the orgs' daily runs for the worker pool now (DATABASE_URL): the current minute's slot, or --slot",
    )
    .option('--org <id...>', 'the Pulse orgs to run', ['default'])
    .option(
      '--slot <slot>',
      'the schedule slot, "YYYY-MM-DD HH:MM" in PULSE_TIMEZONE (default: now), e.g. a missed one',
    )
    .option('--json', 'print the slot and the job ids as JSON')
    .action(async (o: { org: string[]; slot?: string; json?: boolean }) => {
      const config = readConfig();
      if (!config.databaseUrl) {
        throw new CommanderError(
          2,
          'pulse.noPool',
          'pulse enqueue needs DATABASE_URL: the worker pool runs on PostgreSQL (on the embedded database, use pulse run)',
        );
      }
      if (o.slot !== undefined && !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/.test(o.slot)) {
        throw new CommanderError(2, 'pulse.badOption', `--slot must look like "2026-12-07 06:00", got "${o.slot}"`);
      }
      const slot = o.slot ?? slotIn(new Date(), config.schedule.timezone);
      const boss = await openQueue(config.databaseUrl, readPoolSettings(process.env), { workers: 0 });
      try {
        const jobs = await enqueueSlot(boss, o.org, slot);
        process.stdout.write(
          o.json
            ? `${JSON.stringify({ slot, jobs })}\n`
            : `queued ${jobs.length} of ${o.org.length} daily runs for slot ${slot}${jobs.length < o.org.length ? ' (the rest were queued already)' : ''}\n`,
        );
      } finally {
        await boss.stop({ graceful: false });
      }
    });

  program
    .command('migrate')
    .description('apply the database migrations (the release phase); safe to run twice')
    .action(async () => {
      const config = readConfig();
      const db = await openDb(
        config.databaseUrl ? { url: config.databaseUrl } : { dataDir: join(config.dataDir, 'pg') },
      );
      try {
        const applied = await migrate(db);
        process.stdout.write(
          applied.length > 0 ? `applied ${applied.length} migrations: ${applied.join(', ')}\n` : 'up to date\n',
        );
        const citus = await citusLayout(db);
        if (citus) {
          process.stdout.write(
            `citus: ${citus.distributed.length} tables distributed by org_id, ${citus.reference.length} reference tables\n`,
          );
        }
      } finally {
        await db.close();
      }
    });
}
