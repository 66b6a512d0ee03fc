/**
 * The daily run's questions to the run log: who is running now, what ran before. (Queries on the
 * `runs` table that only the daily run asks; the generic ones are in store/runs.ts.)
 */
import type { Db } from '../store/db';

/** A daily run still marked running. */
export interface RunningRun {
  id: number;
  startedAt: Date;
  state: Record<string, unknown>;
}

/** The org's newest daily run still marked running (under the lock: the holder, or one that died). */
export async function findRunningDaily(db: Db, orgId: string): Promise<RunningRun | null> {
  const r = await db.query<RunningRun>(
    `SELECT id, started_at AS "startedAt", state FROM runs
     WHERE org_id = $1 AND kind = 'daily' AND status = 'running' ORDER BY id DESC LIMIT 1`,
    [orgId],
  );
  return r.rows[0] ?? null;
}

/**
 * Closes daily runs left 'running' by a process that died: called by the lock's new holder, so none of
 * them can still be going. Returns their ids.
 */
export async function closeInterruptedRuns(db: Db, orgId: string): Promise<number[]> {
  const entry = JSON.stringify([
    {
      stage: 'run',
      code: 'RUN_INTERRUPTED',
      message:
        'the process running this stopped before it finished (crash, restart or deploy); the next run resumed where it stopped',
    },
  ]);
  const r = await db.query<{ id: number }>(
    `UPDATE runs SET status = 'failed', finished_at = now(), errors = errors || $2::jsonb
     WHERE org_id = $1 AND kind = 'daily' AND status = 'running' RETURNING id`,
    [orgId, entry],
  );
  return r.rows.map((x) => x.id);
}

/** The newest finished daily run (succeeded or partial) of an org, with the day it scored. */
export async function lastCompletedDaily(
  db: Db,
  orgId: string,
): Promise<{ id: number; asOf: string | null; scheduledFor: string | null } | null> {
  const r = await db.query<{ id: number; as_of: string | null; scheduled_for: string | null }>(
    `SELECT id, state->>'asOf' AS as_of, state->>'scheduledFor' AS scheduled_for FROM runs
     WHERE org_id = $1 AND kind = 'daily' AND status IN ('succeeded', 'partial') ORDER BY id DESC LIMIT 1`,
    [orgId],
  );
  const row = r.rows[0];
  return row ? { id: row.id, asOf: row.as_of, scheduledFor: row.scheduled_for } : null;
}

/** The finished daily run a schedule already ran for `slot`, if any (a double trigger does nothing). */
export async function findScheduledRun(db: Db, orgId: string, slot: string): Promise<number | null> {
  const r = await db.query<{ id: number }>(
    `SELECT id FROM runs WHERE org_id = $1 AND kind = 'daily' AND status IN ('succeeded', 'partial')
       AND state->>'scheduledFor' = $2 ORDER BY id DESC LIMIT 1`,
    [orgId, slot],
  );
  return r.rows[0]?.id ?? null;
}
