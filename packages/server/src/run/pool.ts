/**
 * The shared worker pool (with DATABASE_URL): each org's daily run is a pg-boss job, so several
 * `pulse worker` processes share the orgs. Every worker keeps the node-cron schedule and, at each
 * trigger, enqueues one job per org for the slot under an id derived from (org, slot): the second
 * worker's enqueue of the same slot is a no-op, and the run's own slot check
 * (findScheduledRun) stops a slot from running twice even if a job were delivered again.
 *
 * A worker killed mid-run (kill -9) leaves its job "active" in pg-boss until it expires; its run lock
 * (a session advisory lock) went with its connection at once. Every worker therefore looks, every
 * few seconds, for active jobs of its orgs whose lock nobody holds and fails them, which makes
 * pg-boss retry them on whichever worker fetches first: the daily run then resumes where the dead
 * one stopped (pull watermarks, confirmed written values), as after any crash. The job's expiry is
 * the per-run timeout on top of that.
 *
 * Each worker runs `concurrency` jobs at once, so one org's slow or failing run holds one lane, not
 * the others. The between-runs actions sender is a job too, throttled to one per interval across the
 * pool and on a singleton queue (never two at once).
 *
 * The embedded PGlite is one process's database: pg-boss needs a real PostgreSQL, so without
 * DATABASE_URL `pulse worker` keeps the in-process schedule (cli/run.ts, startWorker).
 */
import { createHash } from 'node:crypto';
import PgBoss from 'pg-boss';
import { z } from 'zod';
import type { Config } from '../config';
import { PulseError, ValidationError } from '../errors';
import { log } from '../log';
import type { Db } from '../store/db';
import { findRunningDaily, findScheduledRun } from '../store/dailyRuns';
import { isLockHeld } from '../store/lock';
import { sendBetweenRuns } from './actions';
import { DAILY_LOCK, runDaily, type DailyRunDeps, type DailyRunResult } from './daily';
import { startSchedule, type RunSchedule } from './schedule';

/** The queue of daily runs, one job per org and schedule slot. */
export const DAILY_QUEUE = 'pulse-daily-run';
/** The queue of between-runs action sends, one job at a time across the pool. */
export const ACTIONS_QUEUE = 'pulse-actions-send';

const PoolEnv = z.object({
  PULSE_QUEUE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/, 'a Postgres schema name: lower-case letters, digits and _')
    .default('pgboss'),
  PULSE_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(2),
  PULSE_RUN_TIMEOUT_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(23 * 60)
    .default(120),
  PULSE_RUN_RETRY_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  PULSE_REAP_SECONDS: z.coerce.number().int().min(1).max(600).default(15),
});

/** How the pool runs: where pg-boss keeps its tables, lanes per worker, timeouts. */
export interface PoolSettings {
  /** PULSE_QUEUE_SCHEMA (default `pgboss`): pg-boss's own schema, beside Pulse's tables. */
  schema: string;
  /** PULSE_WORKER_CONCURRENCY (default 2): daily runs one worker runs at once. */
  concurrency: number;
  /** PULSE_RUN_TIMEOUT_MINUTES (default 120): a run's job expires (and is retried) after this. */
  runTimeoutSeconds: number;
  /** PULSE_RUN_RETRY_SECONDS (default 30): wait before a job is retried (its org was locked, its worker died). */
  retryDelaySeconds: number;
  /** PULSE_REAP_SECONDS (default 15): how often a worker looks for jobs whose worker died. */
  reapEverySeconds: number;
}

/** Reads the pool's variables; a bad one stops with what was seen. */
export function readPoolSettings(env: NodeJS.ProcessEnv): PoolSettings {
  const parsed = PoolEnv.safeParse(env);
  if (!parsed.success) {
    throw new ValidationError(
      'the worker pool settings',
      parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  }
  const e = parsed.data;
  return {
    schema: e.PULSE_QUEUE_SCHEMA,
    concurrency: e.PULSE_WORKER_CONCURRENCY,
    runTimeoutSeconds: e.PULSE_RUN_TIMEOUT_MINUTES * 60,
    retryDelaySeconds: e.PULSE_RUN_RETRY_SECONDS,
    reapEverySeconds: e.PULSE_REAP_SECONDS,
  };
}

/** The payload of a daily-run job. */
const DailyJob = z.object({ orgId: z.string().min(1), slot: z.string().min(1) });
type DailyJob = z.infer<typeof DailyJob>;

/** The payload of an actions-send job. */
const ActionsJob = z.object({ orgs: z.array(z.string().min(1)) });

/**
 * The job id of an org's run for a slot: a name-based UUID (version 5 layout over SHA-1), the same in
 * every worker, so enqueuing a slot twice inserts one job.
 */
export function dailyJobId(orgId: string, slot: string): string {
  const h = createHash('sha1').update(`pulse-daily-run\n${orgId}\n${slot}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/**
 * Opens pg-boss on `url` in the pool's schema (creating it and the queues on first use; safe in
 * several processes at once). `workers` sizes its connection pool: the lanes fetch and finish jobs,
 * the reaper, the schedule and maintenance share the rest.
 */
export async function openQueue(url: string, settings: PoolSettings, opts: { workers: number }): Promise<PgBoss> {
  const boss = new PgBoss({
    connectionString: url,
    schema: settings.schema,
    application_name: 'pulse-worker',
    max: opts.workers + 4,
    schedule: false,
    supervise: opts.workers > 0,
  });
  boss.on('error', (e) => log.error({ err: e }, 'job queue error'));
  await boss.start();
  await boss.createQueue(DAILY_QUEUE, {
    name: DAILY_QUEUE,
    policy: 'standard',
    expireInSeconds: settings.runTimeoutSeconds,
    // Retries are cheap (a locked org, a dead worker): the run picks up where it stopped.
    retryLimit: 20,
    retryDelay: settings.retryDelaySeconds,
  });
  await boss.createQueue(ACTIONS_QUEUE, {
    name: ACTIONS_QUEUE,
    policy: 'singleton',
    expireInSeconds: settings.runTimeoutSeconds,
    retryLimit: 0,
  });
  return boss;
}

/**
 * Enqueues one daily-run job per org for `slot` under its (org, slot) id: what every worker's
 * trigger does, and `pulse enqueue`. Returns the ids inserted now (a slot already queued adds none).
 */
export async function enqueueSlot(boss: PgBoss, orgs: readonly string[], slot: string): Promise<string[]> {
  const ids: string[] = [];
  for (const orgId of orgs) {
    const data: DailyJob = { orgId, slot };
    const id = await boss.send(DAILY_QUEUE, data, { id: dailyJobId(orgId, slot) });
    if (id) ids.push(id);
  }
  log.info({ slot, orgs: orgs.length, enqueued: ids.length }, 'daily runs enqueued');
  return ids;
}

/** A running pool worker. */
export interface PoolWorker {
  schedule: RunSchedule;
  /** When the schedule next enqueues the orgs' runs. */
  nextRun(): Date | null;
  /** Enqueues the orgs' runs for `slot` (what a trigger does); the ids enqueued now (not before). */
  enqueue(slot: string): Promise<string[]>;
  /** Stops taking jobs, waits (briefly) for the runs in progress, and closes pg-boss. */
  stop(): Promise<void>;
}

/** What a pool worker needs. */
export interface PoolOptions {
  db: Db;
  orgs: readonly string[];
  config: Config;
  settings: PoolSettings;
  run?: (deps: DailyRunDeps) => Promise<DailyRunResult>;
  onRun?: (r: DailyRunResult) => void;
  /** Between-runs action sends (default 5 minutes; 0 = never). */
  actionsEveryMs: number;
  /** How long `stop()` waits for runs in progress before leaving them to another worker (ms). */
  stopTimeoutMs?: number;
}

/** Starts a pool worker: pg-boss on DATABASE_URL, the schedule that enqueues, the lanes that run. */
export async function startPool(opts: PoolOptions): Promise<PoolWorker> {
  const { db, config, settings } = opts;
  if (!config.databaseUrl) {
    throw new PulseError('POOL_NEEDS_POSTGRES', 'the worker pool needs DATABASE_URL (pg-boss runs on PostgreSQL)');
  }
  const run = opts.run ?? runDaily;
  const boss = await openQueue(config.databaseUrl, settings, { workers: settings.concurrency });

  // Jobs this process is running: alive by definition, never reaped here.
  const mine = new Set<string>();
  // Slots this process triggered or ran jobs of (the newest few), to look their jobs up when reaping.
  const slots: string[] = [];
  const remember = (slot: string) => {
    if (slots.includes(slot)) return;
    slots.push(slot);
    if (slots.length > 4) slots.shift();
  };

  const enqueue = async (slot: string): Promise<string[]> => {
    remember(slot);
    return enqueueSlot(boss, opts.orgs, slot);
  };

  const runJob = async (job: PgBoss.Job<unknown>): Promise<{ runId: number; status: string }> => {
    const { orgId, slot } = DailyJob.parse(job.data);
    mine.add(job.id);
    remember(slot);
    try {
      const r = await run({ db, orgId, config, scheduledFor: slot });
      opts.onRun?.(r);
      log.info(
        { org: orgId, runId: r.runId, status: r.status, scheduledFor: slot, job: job.id },
        'pooled run finished',
      );
      // Skipped while another run holds the org: pg-boss tries again later, until the slot has run.
      if (r.status === 'skipped' && (await findScheduledRun(db, orgId, slot)) === null) {
        throw new PulseError('RUN_LOCKED', `org ${orgId} is locked by another run; slot ${slot} retried later`, {
          org: orgId,
          slot,
          runId: r.runId,
        });
      }
      return { runId: r.runId, status: r.status };
    } finally {
      mine.delete(job.id);
    }
  };
  // One pg-boss worker per lane: each fetches and runs one job at a time.
  for (let i = 0; i < settings.concurrency; i++) {
    await boss.work(DAILY_QUEUE, { batchSize: 1, pollingIntervalSeconds: 1 }, async ([job]) =>
      job ? runJob(job) : undefined,
    );
  }
  await boss.work(ACTIONS_QUEUE, { batchSize: 1, pollingIntervalSeconds: 2 }, async ([job]) => {
    if (job) await sendBetweenRuns(db, ActionsJob.parse(job.data).orgs, config);
  });

  // Grace before an active job with a free lock counts as dead: the gap between pg-boss marking it
  // active and the run taking the lock, and between the run releasing it and the job completing.
  const graceMs = Math.max(5_000, settings.reapEverySeconds * 1000);
  let reaping = false;
  const reap = async (): Promise<void> => {
    if (reaping) return;
    reaping = true;
    try {
      for (const orgId of opts.orgs) {
        const candidates = new Set(slots);
        const running = await findRunningDaily(db, orgId);
        const ranFor = running?.state.scheduledFor;
        if (typeof ranFor === 'string') candidates.add(ranFor);
        for (const slot of candidates) {
          const id = dailyJobId(orgId, slot);
          if (mine.has(id)) continue;
          const job = await boss.getJobById(DAILY_QUEUE, id);
          if (!job || job.state !== 'active' || !job.startedOn) continue;
          if (Date.now() - new Date(job.startedOn).getTime() < graceMs) continue;
          if (await isLockHeld(db, DAILY_LOCK, orgId)) continue;
          log.warn(
            { org: orgId, slot, job: id },
            'the worker running this job is gone (its run lock is free); retried',
          );
          await boss.fail(DAILY_QUEUE, id, { reason: 'WORKER_GONE' });
        }
      }
    } catch (e) {
      log.warn({ err: e }, 'looking for jobs of stopped workers failed; next time');
    } finally {
      reaping = false;
    }
  };
  const reaper = setInterval(() => void reap(), settings.reapEverySeconds * 1000);
  reaper.unref();

  const task = startSchedule(config.schedule, async (slot) => {
    try {
      await enqueue(slot);
    } catch (e) {
      log.error({ slot, err: e }, 'daily runs could not be enqueued');
    }
  });

  const every = opts.actionsEveryMs;
  const sender =
    every > 0
      ? setInterval(() => {
          // Throttled to one job per interval across the pool: whichever worker sends first.
          boss
            .send(
              ACTIONS_QUEUE,
              { orgs: [...opts.orgs] },
              { singletonKey: 'actions', singletonSeconds: Math.max(1, Math.round(every / 1000)) },
            )
            .catch((e: unknown) => log.warn({ err: e }, 'actions send could not be enqueued'));
        }, every)
      : null;
  sender?.unref();

  return {
    schedule: config.schedule,
    nextRun: () => task.getNextRun(),
    enqueue,
    stop: async () => {
      clearInterval(reaper);
      if (sender) clearInterval(sender);
      await task.stop();
      // Runs still going after the timeout are failed back to the queue; another worker resumes them.
      await boss.stop({ graceful: true, wait: true, timeout: opts.stopTimeoutMs ?? 25_000 });
      await task.destroy();
    },
  };
}
