/**
 * Jobs the console starts and watches (GET /api/jobs/:id): each runs in this process, one step
 * after another, its progress kept in the store so the page can poll any web process.
 */
import { randomUUID } from 'node:crypto';
import express from 'express';
import { createConsoleJob, loadConsoleJob, updateConsoleJob } from '../../store/consoleJobs';
import { asyncRoute } from '../asyncRoute';
import { HttpError } from '../httpError';
import { theSession } from '../session';
import { parseRequest } from '../validate';
import type { AdminContext } from './context';
import { JobParams } from './schemas';

/** One step of a job; the last step's value is the job's result. */
export type JobStep = () => Promise<unknown>;

/** The jobs of this process: starts them and knows which org has one under way. */
export class JobRunner {
  private readonly running = new Map<string, Promise<void>>();

  constructor(private readonly ctx: AdminContext) {}

  /** Whether the org has a publish, rollback or run under way in this process. */
  busy(orgId: string): boolean {
    return this.running.has(orgId);
  }

  /** Records a queued job and runs its steps after the answer goes out; returns its id. */
  async start(orgId: string, kind: string, steps: JobStep[]): Promise<string> {
    const id = randomUUID();
    const { db, now, log } = this.ctx;
    await createConsoleJob(db, { orgId, id, kind, total: steps.length, now: now() });
    const run = (async () => {
      let done = 0;
      let result: unknown = null;
      try {
        await updateConsoleJob(db, orgId, id, { state: 'running', done, now: now() });
        for (const step of steps) {
          result = await step();
          done += 1;
          await updateConsoleJob(db, orgId, id, {
            state: done === steps.length ? 'done' : 'running',
            done,
            result: done === steps.length ? result : undefined,
            now: now(),
          });
        }
        log.info({ org: orgId, job: id, kind }, 'console job done');
      } catch (e) {
        log.error({ org: orgId, job: id, kind, err: (e as Error).message }, 'console job failed');
        await updateConsoleJob(db, orgId, id, { state: 'failed', done, error: (e as Error).message, now: now() }).catch(
          () => undefined,
        );
      } finally {
        this.running.delete(orgId);
      }
    })();
    this.running.set(orgId, run);
    return id;
  }

  /** Resolves when every job under way has ended (tests, shutdown). */
  async settled(): Promise<void> {
    await Promise.all([...this.running.values()]);
  }
}

/** `GET /api/jobs/:id`: a job's progress. */
export function jobRoutes(ctx: AdminContext): express.Router {
  const r = express.Router();
  r.get(
    '/api/jobs/:id',
    asyncRoute(async (req, res) => {
      const { orgId } = theSession(res);
      const { id } = parseRequest(JobParams, req.params, 'path');
      const job = await loadConsoleJob(ctx.db, orgId, id);
      if (!job) throw new HttpError(404, 'NO_JOB', `no job ${id} in org ${orgId}`);
      res.json({
        id: job.id,
        kind: job.kind,
        state: job.state,
        done: job.done,
        total: job.total,
        error: job.error,
        result: job.result ?? null,
      });
    }),
  );
  return r;
}
