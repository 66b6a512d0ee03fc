/**
 * Work the console started and shows the progress of (a publish's or rollback's back-fill, a run
 * now): one row per job, updated as it goes, so any web process can answer GET /api/jobs/:id.
 */
import type { Db } from './db';
import { ensureOrg } from './orgs';

/** Where a job is. */
export type JobState = 'queued' | 'running' | 'done' | 'failed';

/** A job as the console shows it. */
export interface ConsoleJob {
  id: string;
  kind: string;
  state: JobState;
  done: number;
  total: number;
  error: string | null;
  result: unknown;
  createdAt: Date;
  updatedAt: Date;
}

/** Records a queued job. */
export async function createConsoleJob(
  db: Db,
  j: { orgId: string; id: string; kind: string; total: number; now: Date },
): Promise<void> {
  await ensureOrg(db, j.orgId);
  await db.query(
    `INSERT INTO console_jobs (org_id, id, kind, state, done, total, created_at, updated_at)
     VALUES ($1, $2, $3, 'queued', 0, $4, $5, $5)`,
    [j.orgId, j.id, j.kind, j.total, j.now.toISOString()],
  );
}

/** Moves a job on: its state, steps done, and (when it ends) its error or result. */
export async function updateConsoleJob(
  db: Db,
  orgId: string,
  id: string,
  u: { state: JobState; done: number; total?: number; error?: string | null; result?: unknown; now: Date },
): Promise<void> {
  await db.query(
    `UPDATE console_jobs SET state = $3, done = $4, error = $5, result = COALESCE($6::jsonb, result), updated_at = $7,
       total = COALESCE($8::integer, total)
     WHERE org_id = $1 AND id = $2`,
    [
      orgId,
      id,
      u.state,
      u.done,
      u.error ?? null,
      u.result === undefined ? null : JSON.stringify(u.result),
      u.now.toISOString(),
      u.total ?? null,
    ],
  );
}

/**
 * Marks failed, with `message`, the queued or running jobs (of every org) not updated since `before`:
 * their process stopped (a restart), as a job under way updates its row at least every heartbeat.
 * Returns how many.
 */
export async function failStaleConsoleJobs(
  db: Db,
  s: { before: Date; message: string; now: Date; orgId?: string; id?: string },
): Promise<number> {
  const r = await db.query(
    `UPDATE console_jobs SET state = 'failed', error = $2, updated_at = $3
     WHERE state IN ('queued', 'running') AND updated_at < $1
       AND ($4::text IS NULL OR org_id = $4) AND ($5::text IS NULL OR id = $5)`,
    [s.before.toISOString(), s.message, s.now.toISOString(), s.orgId ?? null, s.id ?? null],
  );
  return r.rowCount;
}

/** One job of the org, or null. */
export async function loadConsoleJob(db: Db, orgId: string, id: string): Promise<ConsoleJob | null> {
  const r = await db.query<{
    id: string;
    kind: string;
    state: JobState;
    done: number;
    total: number;
    error: string | null;
    result: unknown;
    created_at: Date;
    updated_at: Date;
  }>(
    `SELECT id, kind, state, done, total, error, result, created_at, updated_at FROM console_jobs
     WHERE org_id = $1 AND id = $2`,
    [orgId, id],
  );
  const row = r.rows[0];
  if (!row) return null;
  return {
    id: row.id,
    kind: row.kind,
    state: row.state,
    done: row.done,
    total: row.total,
    error: row.error,
    result: row.result,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}
