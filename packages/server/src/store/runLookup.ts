import type { Db } from './db';
import type { RunRow } from './runs';

/** One run of the org by id, or null. */
export async function getRun(db: Db, orgId: string, id: number): Promise<RunRow | null> {
  const r = await db.query<RunRow>(
    `SELECT id, kind, status, started_at AS "startedAt", finished_at AS "finishedAt", counts,
            api_calls AS "apiCalls", errors, state
     FROM runs WHERE org_id = $1 AND id = $2`,
    [orgId, id],
  );
  return r.rows[0] ?? null;
}
