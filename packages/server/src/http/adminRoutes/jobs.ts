/**
 * Jobs the console starts and watches (GET /api/jobs/:id): each runs in this process, one step
 * after another, its progress kept in the store so the page can poll any web process. A job a stopped
 * process left queued or running (its row not touched for JOB_STALE_MS) is marked failed.
 */
import { randomUUID } from 'node:crypto';
import express from 'express';
import { createConsoleJob, failStaleConsoleJobs, loadConsoleJob, updateConsoleJob } from '../../store/consoleJobs';
import { asyncRoute } from '../asyncRoute';
import { HttpError } from '../httpError';
import { theSession } from '../session';
import { parseRequest } from '../validate';
import type { AdminContext } from './context';
import { JobParams } from './schemas';

/** What a step tells its job of how far it is: `done` of `total` units (a back-fill's accounts). */
export type JobProgress = (p: { done: number; total: number }) => void;

/** One step of a job; the last step's value is the job's result. A step may report its progress. */
export type JobStep = (progress: JobProgress) => Promise<unknown>;

/** How often a job under way touches its row, so a row left behind by a stopped process shows as stale. */
export const JOB_HEARTBEAT_MS = 30_000;

/** A queued or running job whose row has not moved for this long belongs to a process that stopped. */
export const JOB_STALE_MS = 4 * JOB_HEARTBEAT_MS;

/** The error a job cut off by a restart is failed with. */
export const STALE_JOB_MESSAGE =
  'the server stopped while this job ran (a restart?): it did not finish; start it again';

/** The jobs of this process: starts them and knows which org has one under way. */
export class JobRunner {
  private readonly running = new Map<string, Promise<void>>();
  /** Progress of the jobs under way here, by job id: fresher than their rows while a transaction holds them. */
  private readonly live = new Map<string, { orgId: string; done: number; total: number }>();
  /** The sweep of jobs a stopped process left running, started with the runner (the server's start). */
  private readonly swept: Promise<void>;

  constructor(private readonly ctx: AdminContext) {
    this.swept = this.failStale().then(
      (n) => void (n && ctx.log.warn({ jobs: n }, 'console jobs left running by a stopped server marked failed')),
      (e: Error) => ctx.log.error({ err: e.message }, 'could not mark stale console jobs failed'),
    );
  }

  /** Marks failed the queued/running jobs (one, with `only`) not touched for JOB_STALE_MS and not under way here. */
  async failStale(only?: { orgId: string; id: string }): Promise<number> {
    if (only && this.live.has(only.id)) return 0;
    const now = this.ctx.now();
    return failStaleConsoleJobs(this.ctx.db, {
      before: new Date(now.getTime() - JOB_STALE_MS),
      message: STALE_JOB_MESSAGE,
      now,
      ...only,
    });
  }

  /** Whether the org has a publish, rollback or run under way in this process. */
  busy(orgId: string): boolean {
    return this.running.has(orgId);
  }

  /** The progress of a job under way in this process, if it is. */
  progressOf(orgId: string, id: string): { done: number; total: number } | undefined {
    const p = this.live.get(id);
    return p && p.orgId === orgId ? { done: p.done, total: p.total } : undefined;
  }

  /** Records a queued job and runs its steps after the answer goes out; returns its id. */
  async start(orgId: string, kind: string, steps: JobStep[]): Promise<string> {
    const id = randomUUID();
    const { db, now, log } = this.ctx;
    await createConsoleJob(db, { orgId, id, kind, total: steps.length, now: now() });
    const live = { orgId, done: 0, total: steps.length };
    this.live.set(id, live);
    // Progress goes to the row one write at a time, the latest numbers each time, never awaited by the
    // step: a back-fill reports inside its transaction, and on PGlite a write outside it waits for it.
    let writes: Promise<void> = Promise.resolve();
    let queued = false;
    const save = () => {
      if (queued) return;
      queued = true;
      writes = writes
        .then(() => {
          queued = false;
          return updateConsoleJob(db, orgId, id, { state: 'running', done: live.done, total: live.total, now: now() });
        })
        .catch((e: Error) => log.warn({ org: orgId, job: id, err: e.message }, 'console job progress not saved'));
    };
    const heartbeat = setInterval(save, JOB_HEARTBEAT_MS);
    heartbeat.unref();
    const run = (async () => {
      let reported = false;
      let result: unknown = null;
      try {
        await updateConsoleJob(db, orgId, id, { state: 'running', done: 0, now: now() });
        for (const [i, step] of steps.entries()) {
          result = await step((p) => {
            reported = true;
            live.done = p.done;
            live.total = p.total;
            save();
          });
          if (!reported) live.done = i + 1;
          if (i < steps.length - 1) save();
        }
        live.done = live.total;
        await writes;
        await updateConsoleJob(db, orgId, id, {
          state: 'done',
          done: live.done,
          total: live.total,
          result,
          now: now(),
        });
        log.info({ org: orgId, job: id, kind }, 'console job done');
      } catch (e) {
        log.error({ org: orgId, job: id, kind, err: (e as Error).message }, 'console job failed');
        await writes;
        await updateConsoleJob(db, orgId, id, {
          state: 'failed',
          done: live.done,
          total: live.total,
          error: (e as Error).message,
          now: now(),
        }).catch(() => undefined);
      } finally {
        clearInterval(heartbeat);
        this.live.delete(id);
        this.running.delete(orgId);
      }
    })();
    this.running.set(orgId, run);
    return id;
  }

  /** Resolves when every job under way has ended, and the start's sweep too (tests, shutdown). */
  async settled(): Promise<void> {
    await Promise.all([this.swept, ...this.running.values()]);
  }
}

/** `GET /api/jobs/:id`: a job's progress. */
export function jobRoutes(ctx: AdminContext, jobs: JobRunner): express.Router {
  const r = express.Router();
  r.get(
    '/api/jobs/:id',
    asyncRoute(async (req, res) => {
      const { orgId } = theSession(res);
      const { id } = parseRequest(JobParams, req.params, 'path');
      // A job left queued/running by a server that stopped is failed here too, not only at the next start.
      if (await jobs.failStale({ orgId, id })) ctx.log.warn({ org: orgId, job: id }, 'stale console job marked failed');
      const job = await loadConsoleJob(ctx.db, orgId, id);
      if (!job) throw new HttpError(404, 'NO_JOB', `no job ${id} in org ${orgId}`);
      // Under way here: the numbers in memory are the freshest (the row's wait for the step's transaction on PGlite).
      const live = job.state === 'running' ? jobs.progressOf(orgId, id) : undefined;
      res.json({
        id: job.id,
        kind: job.kind,
        state: job.state,
        done: live?.done ?? job.done,
        total: live?.total ?? job.total,
        error: job.error,
        result: job.result ?? null,
      });
    }),
  );
  return r;
}
