/**
 * The daily run's questions to the store: who is running now, what a schedule already ran, whether
 * history has a gap. (Queries only the daily run asks; the generic ones are in runs.ts.)
 */
import type { Db } from './db';

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

/**
 * Whether the org has any snapshot of `modelVersion` on `day` (a run, or a back-fill, covered it).
 * On the snapshots key (org, model, account, day) the first scored account answers when the day is
 * covered; only a gap scans the model's index, and a gap is followed by a back-fill anyway.
 */
export async function hasSnapshotsOn(db: Db, orgId: string, modelVersion: string, day: string): Promise<boolean> {
  const r = await db.query('SELECT 1 FROM snapshots WHERE org_id = $1 AND model_version = $2 AND day = $3 LIMIT 1', [
    orgId,
    modelVersion,
    day,
  ]);
  return r.rows.length > 0;
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

/** The baseline of a model version's drift: the band shares of the first daily run that scored with it. */
export interface BaselineShares {
  runId: number;
  day: string;
  shares: Record<string, number>;
}

/**
 * The band shares the org's first finished daily run scoring with `modelVersion` stored (the day the
 * version was published or first scored), or null when no run of it stored them yet.
 */
export async function findBaselineShares(
  db: Db,
  orgId: string,
  modelVersion: string,
  beforeRun: number,
): Promise<BaselineShares | null> {
  const r = await db.query<{ id: number; day: string; shares: Record<string, number> }>(
    `SELECT id, state->>'asOf' AS day, state->'bandShares' AS shares FROM runs
     WHERE org_id = $1 AND kind = 'daily' AND status IN ('succeeded', 'partial') AND id < $3
       AND state->>'modelVersion' = $2 AND jsonb_typeof(state->'bandShares') = 'object'
     ORDER BY id LIMIT 1`,
    [orgId, modelVersion, beforeRun],
  );
  const row = r.rows[0];
  return row ? { runId: Number(row.id), day: row.day, shares: row.shares } : null;
}
